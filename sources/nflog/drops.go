package nflog

// drops counts the messages the kernel could not deliver. The group is
// bound with the sequence flag, so every message carries the instance's
// sequence number (0 for the first after the bind), taken before delivery
// is tried: a gap is the exact number lost.
//
// An ENOBUFS error says only that some were lost, and the socket reports
// it before the messages still queued from before the loss. It counts one
// at once; the next gap, which covers that loss, adds the rest.
type drops struct {
	next     uint32 // sequence number expected next
	credited uint64 // losses counted on ENOBUFS that no gap has shown yet
}

// overrun records an ENOBUFS and returns the losses to count now.
func (d *drops) overrun() uint64 {
	d.credited++
	return 1
}

// seen records a message's sequence number (nil when the kernel sent
// none) and returns the losses to count now.
func (d *drops) seen(seq *uint32) uint64 {
	if seq == nil {
		return 0
	}
	gap := uint64(*seq - d.next) // wraps as the kernel's counter does
	d.next = *seq + 1
	used := min(gap, d.credited)
	d.credited -= used
	return gap - used
}
