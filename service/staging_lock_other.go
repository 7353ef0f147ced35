//go:build !unix

package service

import "os"

// tryLock cannot tell a live process's staging area from a dead one's
// without flock: it reports every area as held, so the startup sweep
// leaves other processes' areas alone there.
func tryLock(*os.File) (bool, error) { return false, nil }

// lockOwn takes nothing: see tryLock.
func lockOwn(*os.File) (bool, error) { return true, nil }
