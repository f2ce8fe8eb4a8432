package report

import "math"

// scale maps counts from 0 to top onto a chart's length, with ticks every
// step: round numbers (1, 2 or 5 times a power of ten), about five of them.
type scale struct {
	top, step int
}

// niceScale is the scale for counts up to maxValue (1 for nothing).
func niceScale(maxValue int) scale {
	if maxValue <= 0 {
		return scale{top: 1, step: 1}
	}
	raw := float64(maxValue) / 5
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := 1
	for _, m := range []float64{1, 2, 5, 10} {
		if s := m * mag; s >= raw {
			step = max(1, int(math.Round(s)))
			break
		}
	}
	return scale{top: (maxValue + step - 1) / step * step, step: step}
}

// ticks are the values where the scale's grid lines go, 0 and top included.
func (s scale) ticks() []int {
	out := make([]int, 0, s.top/s.step+1)
	for v := 0; v <= s.top; v += s.step {
		out = append(out, v)
	}
	return out
}

// of is v's share of the scale, from 0 to 1.
func (s scale) of(v int) float64 { return float64(v) / float64(s.top) }

// r1 rounds a coordinate to a tenth: shorter SVG, same picture.
func r1(x float64) float64 { return math.Round(x*10) / 10 }
