package main

import (
	"syscall"
	"time"
	"unsafe"
)

const atSymlinkNoFollow = 0x100
const atFdCwd = -100

func utimensatNoFollow(path string, ts []syscall.Timespec) error {
	p, err := syscall.BytePtrFromString(path)
	if err != nil {
		return err
	}
	fd := atFdCwd
	_, _, errno := syscall.Syscall6(syscall.SYS_UTIMENSAT, uintptr(fd), uintptr(unsafe.Pointer(p)), uintptr(unsafe.Pointer(&ts[0])), atSymlinkNoFollow, 0, 0)
	if errno != 0 {
		return errno
	}
	return nil
}

var timeParseDuration = time.ParseDuration
