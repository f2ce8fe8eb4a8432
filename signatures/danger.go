package signatures

// levelFor is the danger level (0–5) a count reaches against increasing
// thresholds.
func levelFor(n int, thresholds *[MaxLevel]int) uint8 {
	lvl := uint8(0)
	for i, t := range thresholds {
		if n < t {
			break
		}
		lvl = uint8(i + 1)
	}
	return lvl
}

// clampLevel keeps an outside level (signature rule) within 0–5.
func clampLevel(l int) uint8 {
	switch {
	case l < 0:
		return 0
	case l > MaxLevel:
		return MaxLevel
	}
	return uint8(l)
}

func maxU8(a, b uint8) uint8 {
	if a > b {
		return a
	}
	return b
}
