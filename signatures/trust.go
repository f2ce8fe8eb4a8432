package signatures

// trust records the transport of a packet counted for s: one packet that
// did not come over a transport only the kernel can write (a syslog file,
// which any local user can append to with logger(1)) makes the source
// untrusted for the rest of its state's life. Whoever acts on an attacker
// (auto-blocking inside home_net) can refuse to act on untrusted evidence.
func (s *source) trust(trusted bool) {
	s.untrusted = s.untrusted || !trusted
}
