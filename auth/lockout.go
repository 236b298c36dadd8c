package auth

import (
	"slices"
	"time"
)

// Lockout is the policy that stops password guessing: MaxFailures failed
// sign-ins to one account within Window lock it for LockFor after the
// last of them. Sign-ins refused because an account is locked should not
// be recorded as failures, so that a lock ends LockFor after the attack
// stops.
type Lockout struct {
	MaxFailures int
	Window      time.Duration
	LockFor     time.Duration
}

// DefaultLockout is 5 failures in 15 minutes, locking for 15 minutes:
// slow enough that guessing a 12-character password online is hopeless
// (at most 480 guesses a day per account), short enough that a user who
// mistypes is not kept out for long.
func DefaultLockout() Lockout {
	return Lockout{MaxFailures: 5, Window: 15 * time.Minute, LockFor: 15 * time.Minute}
}

// Lookback is how far back failures matter at any moment: a store may
// forget failures older than Window + LockFor.
func (l Lockout) Lookback() time.Duration { return l.Window + l.LockFor }

// LockedUntil returns when an account with the recorded failures (in any
// order) stops being locked, and whether it is locked at now. It is locked
// while now is before LockFor after the last of any MaxFailures failures
// that fall within Window of each other. A policy with MaxFailures below 1
// never locks.
func (l Lockout) LockedUntil(failures []time.Time, now time.Time) (time.Time, bool) {
	if l.MaxFailures < 1 || len(failures) < l.MaxFailures {
		return time.Time{}, false
	}
	fs := slices.Clone(failures)
	slices.SortFunc(fs, func(a, b time.Time) int { return a.Compare(b) })
	var until time.Time
	for i := l.MaxFailures - 1; i < len(fs); i++ {
		if fs[i].Sub(fs[i-l.MaxFailures+1]) <= l.Window {
			if end := fs[i].Add(l.LockFor); end.After(until) {
				until = end
			}
		}
	}
	if now.Before(until) {
		return until, true
	}
	return time.Time{}, false
}
