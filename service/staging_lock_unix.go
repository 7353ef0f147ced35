//go:build unix

package service

import (
	"errors"
	"os"
	"syscall"
)

// tryLock takes an exclusive flock on f without waiting: false when
// another process holds it. The lock lasts until f is closed or the
// process ends, however it ends.
func tryLock(f *os.File) (bool, error) {
	err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return false, nil
	}
	return err == nil, err
}

// lockOwn locks a process's own, new, staging area.
func lockOwn(f *os.File) (bool, error) { return tryLock(f) }
