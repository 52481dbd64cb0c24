package render

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"

	"github.com/boombuler/barcode/qr"
)

// quietZone is the white border, in modules, that ISO/IEC 18004 requires around a QR code
// for a reader to find it.
const quietZone = 4

// QR returns a black-on-white QR code of content (error correction level M, about 15% of
// the code may be damaged), with its quiet zone, each module modulePx pixels square.
func QR(content string, modulePx int) (image.Image, error) {
	if content == "" {
		return nil, errors.New("render: a QR code needs content")
	}
	if modulePx < 1 {
		return nil, fmt.Errorf("render: QR module size %d pixels is below 1", modulePx)
	}
	code, err := qr.Encode(content, qr.M, qr.Auto)
	if err != nil {
		return nil, fmt.Errorf("render: encode QR code: %w", err)
	}
	modules := code.Bounds().Dx()
	side := (modules + 2*quietZone) * modulePx
	img := image.NewGray(image.Rect(0, 0, side, side))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	for y := range modules {
		for x := range modules {
			if isDark(code.At(x, y)) {
				cell := image.Rect((quietZone+x)*modulePx, (quietZone+y)*modulePx, (quietZone+x+1)*modulePx, (quietZone+y+1)*modulePx)
				draw.Draw(img, cell, image.Black, image.Point{}, draw.Src)
			}
		}
	}
	return img, nil
}

// isDark reports whether c is closer to black than to white.
func isDark(c color.Color) bool {
	return color.GrayModel.Convert(c).(color.Gray).Y < 128
}

// QRPNG returns QR(content, modulePx) encoded as PNG.
func QRPNG(content string, modulePx int) ([]byte, error) {
	img, err := QR(content, modulePx)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("render: encode QR code PNG: %w", err)
	}
	return buf.Bytes(), nil
}
