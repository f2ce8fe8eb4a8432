// Command ifw is the one ifw binary. Package main is the command line
// only: one file per command (its flags on cobra, the call, the printing),
// the tree of commands in cli.go. What the commands run lives in packages
// beside it: daemon (ifw daemon), control (the control socket's API and
// the typed client every other command uses), applet (ifw applet), polkit,
// and the offline analyzer; etc/config reads ifw.conf.
package main
