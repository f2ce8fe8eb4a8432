package applet

import (
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	"math/bits"
)

// decodeXWD reads an X window dump (xwd -root) of a TrueColor screen, in
// ZPixmap format with 24 or 32 bits per pixel, so that a screenshot needs
// no ImageMagick.
func decodeXWD(b []byte) (*image.RGBA, error) {
	const fields = 25
	if len(b) < fields*4 {
		return nil, fmt.Errorf("xwd: short header")
	}
	h := make([]uint32, fields)
	for i := range h {
		h[i] = binary.BigEndian.Uint32(b[i*4:])
	}
	headerSize, version, format := h[0], h[1], h[2]
	width, height, byteOrder := int(h[4]), int(h[5]), h[7]
	bpp, bytesPerLine := int(h[11]), int(h[12])
	masks := [3]uint32{h[14], h[15], h[16]}
	ncolors := h[19]
	if version != 7 || format != 2 || (bpp != 32 && bpp != 24) {
		return nil, fmt.Errorf("xwd: version %d format %d bpp %d not supported", version, format, bpp)
	}
	off := int(headerSize) + int(ncolors)*12
	if off+height*bytesPerLine > len(b) {
		return nil, fmt.Errorf("xwd: %d bytes, want %d", len(b), off+height*bytesPerLine)
	}
	img := image.NewRGBA(image.Rect(0, 0, width, height))
	for y := range height {
		row := b[off+y*bytesPerLine:]
		for x := range width {
			p := row[x*bpp/8:]
			var v uint32
			switch {
			case bpp == 24 && byteOrder == 0:
				v = uint32(p[0]) | uint32(p[1])<<8 | uint32(p[2])<<16
			case bpp == 24:
				v = uint32(p[0])<<16 | uint32(p[1])<<8 | uint32(p[2])
			case byteOrder == 0:
				v = binary.LittleEndian.Uint32(p)
			default:
				v = binary.BigEndian.Uint32(p)
			}
			img.SetRGBA(x, y, color.RGBA{channel(v, masks[0]), channel(v, masks[1]), channel(v, masks[2]), 0xff})
		}
	}
	return img, nil
}

// channel extracts an 8-bit channel of v under mask.
func channel(v, mask uint32) uint8 {
	if mask == 0 {
		return 0
	}
	shift := bits.TrailingZeros32(mask)
	width := bits.OnesCount32(mask)
	c := (v & mask) >> shift
	if width >= 8 {
		return uint8(c >> (width - 8))
	}
	return uint8(c << (8 - width))
}
