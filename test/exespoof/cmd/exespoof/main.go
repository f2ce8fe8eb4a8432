// Command exespoof is the exe spoof helper (package exespoof) as a program
// of its own, for the system tests: IFW_EXESPOOF="spoof TARGET NET ADDR",
// run as an unprivileged user, with a copy of itself at PATH.map.
package main

import (
	"fmt"
	"os"

	"github.com/ifw/ifw/test/exespoof"
)

func main() {
	exespoof.Main()
	fmt.Fprintln(os.Stderr, "exespoof: set", exespoof.Env)
	os.Exit(2)
}
