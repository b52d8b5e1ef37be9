// Counts with sharedcounter.dll from Go, without cgo: the syscall package
// loads the DLL and calls its functions by name. Any argument stops it
// before the first call: --help prints what it does, anything else is
// refused, and neither touches the counter.
package main

import (
	"fmt"
	"os"
	"syscall"
)

const usage = "usage: example_go [--help]\n" +
	"Adds 1, then -3, to the counter of the sharedcounter.dll it loads and\n" +
	"prints the version and what each call returned.\n"

var (
	dll       = syscall.NewLazyDLL("sharedcounter.dll")
	version   = dll.NewProc("sc_version")
	increment = dll.NewProc("sc_increment")
	add       = dll.NewProc("sc_add")
	get       = dll.NewProc("sc_get")
)

// call returns what the function left in RAX. Call's error result is
// GetLastError, which these functions never set, so it is not checked.
func call(proc *syscall.LazyProc, args ...uintptr) uint64 {
	r1, _, _ := proc.Call(args...)
	return uint64(r1)
}

func main() {
	if len(os.Args) > 1 {
		if len(os.Args) == 2 && os.Args[1] == "--help" {
			fmt.Print(usage)
			os.Exit(0)
		}
		fmt.Fprintf(os.Stderr, "example_go: unknown argument '%s'\n%s", os.Args[1], usage)
		os.Exit(2)
	}
	v := uint32(call(version)) // a uint32_t result: the upper half of RAX is junk
	delta := int64(-3)
	fmt.Printf("sc_version: %d.%d.%d\n", v>>16, v>>8&0xff, v&0xff)
	fmt.Printf("sc_increment: %d\n", int64(call(increment)))
	fmt.Printf("sc_add(%d): %d\n", delta, int64(call(add, uintptr(delta))))
	fmt.Printf("sc_get: %d\n", int64(call(get)))
}
