// Counts with sharedcounter.dll from Go, without cgo: the syscall package
// loads the DLL and calls its functions by name.
package main

import (
	"fmt"
	"syscall"
)

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
	v := uint32(call(version)) // a uint32_t result: the upper half of RAX is junk
	delta := int64(-3)
	fmt.Printf("sc_version: %d.%d.%d\n", v>>16, v>>8&0xff, v&0xff)
	fmt.Printf("sc_increment: %d\n", int64(call(increment)))
	fmt.Printf("sc_add(%d): %d\n", delta, int64(call(add, uintptr(delta))))
	fmt.Printf("sc_get: %d\n", int64(call(get)))
}
