package deadlines

// SweepLockKey exposes the sweep lock's key to the external tests.
const SweepLockKey = sweepLockKey
