// Package polkit asks the system's polkit authority
// (org.freedesktop.PolicyKit1 on the system bus) whether a process may do
// an action, the way firewalld and NetworkManager decide what an
// unprivileged user may ask of them.
//
// Why polkit and not a group check: membership in group ifw is what lets a
// desktop's applet reach the control socket at all, so every program the
// user runs has it too. Whether that program may make a lasting decision
// (allow always, a rule for any program, a block) is a question of policy
// the administrator owns: polkit's actions come with defaults in
// etc/org.ifw.policy and are changed with rules files, and an
// authentication agent on the user's desktop or terminal asks for a
// password when the policy says so.
//
// The subject is the peer process by pid, start time and uid (a
// "unix-process" subject): polkitd refuses a start time that is not the
// process's, so a recycled pid is useless. It takes the uid a root caller
// gives as the truth, so that uid must come from the kernel (SO_PEERCRED),
// never from the request.
// A check that cannot reach polkit is an error (ErrUnavailable), never a
// yes: callers fail closed.
package polkit
