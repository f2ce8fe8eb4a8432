// Package exespoof is the exe spoof attack, for tests: an unprivileged
// user, in a user namespace of its own where it holds CAP_SYS_ADMIN, has
// the kernel point its process's /proc/PID/exe at a trusted program's
// file (prctl PR_SET_MM, PR_SET_MM_MAP with exe_fd), then connects out.
// The kernel (replace_mm_exe_file) refuses with EBUSY while the old
// executable is still mapped, so the helper first maps a copy of itself
// over its own mappings: same bytes, another file. PR_SET_MM_EXE_FILE
// needs CAP_SYS_RESOURCE in the initial user namespace, and PR_SET_MM_MAP
// outside a user namespace of one's own is refused (EPERM), so the user
// namespace is what makes the attack.
//
// The test binary is the helper: a TestMain calls Main first, and Start
// runs the binary as user nobody (the test runs as root).
package exespoof
