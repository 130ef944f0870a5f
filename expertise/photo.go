package expertise

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/rwcarlsen/goexif/exif"
	"golang.org/x/image/draw"

	"github.com/fachnetz/fachnetz/frontend"
	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/web"
)

// Limits of a profile photo.
const (
	// MaxPhotoBytes is the largest upload accepted.
	MaxPhotoBytes = 5 << 20
	// photoSide is the longest side of a stored photo in pixels.
	photoSide = 400
	// maxPhotoPixels caps the decoded size, so that a small file that
	// claims a huge canvas cannot exhaust the server's memory.
	maxPhotoPixels = 24_000_000
	photoQuality   = 85
)

// PhotoURL is the address of a person's photo. v names the photo's
// content, so that the short browser cache never shows an old one; it is
// no time, so the address does not tell when the photo was changed.
func PhotoURL(handle, v string) string {
	return PersonURL(handle) + "/foto?v=" + url.QueryEscape(v)
}

// preparePhoto checks that data is a JPEG or PNG image, scales it down to
// at most photoSide × photoSide pixels, turns it upright and encodes it
// anew as JPEG. Only pixels survive: no EXIF (camera, GPS position),
// comments or other metadata of the upload.
func preparePhoto(data []byte) ([]byte, error) {
	if len(data) == 0 {
		return nil, errs.E(errs.Invalid, "expertise.photo.missing").OnField("photo")
	}
	if len(data) > MaxPhotoBytes {
		return nil, errs.E(errs.Invalid, "expertise.photo.too_large", "MB", MaxPhotoBytes>>20).OnField("photo")
	}
	// The content decides, never the file name or the type a browser claims.
	var decode func(io.Reader) (image.Image, error)
	var config func(io.Reader) (image.Config, error)
	switch http.DetectContentType(data) {
	case "image/jpeg":
		decode, config = jpeg.Decode, jpeg.DecodeConfig
	case "image/png":
		decode, config = png.Decode, png.DecodeConfig
	default:
		return nil, errs.E(errs.Invalid, "expertise.photo.type").OnField("photo")
	}
	cfg, err := config(bytes.NewReader(data))
	if err != nil {
		return nil, errs.E(errs.Invalid, "expertise.photo.broken").OnField("photo")
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > maxPhotoPixels {
		return nil, errs.E(errs.Invalid, "expertise.photo.too_many_pixels", "Megapixels", maxPhotoPixels/1_000_000).OnField("photo")
	}
	src, err := decode(bytes.NewReader(data))
	if err != nil {
		return nil, errs.E(errs.Invalid, "expertise.photo.broken").OnField("photo")
	}
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	if w > photoSide || h > photoSide {
		if w >= h {
			w, h = photoSide, max(1, (h*photoSide+w/2)/w)
		} else {
			w, h = max(1, (w*photoSide+h/2)/h), photoSide
		}
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	// JPEG has no transparency: transparent parts of a PNG become white,
	// not black.
	draw.Draw(dst, dst.Bounds(), image.White, image.Point{}, draw.Src)
	draw.CatmullRom.Scale(dst, dst.Bounds(), src, b, draw.Over, nil)
	var out bytes.Buffer
	if err := jpeg.Encode(&out, upright(dst, data), &jpeg.Options{Quality: photoQuality}); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// upright turns a (scaled) camera picture the way the upload's EXIF
// orientation says. Phones store portraits as landscape pixels with that
// tag, and the tag goes with the rest of the metadata.
func upright(img *image.RGBA, upload []byte) image.Image {
	x, err := exif.Decode(bytes.NewReader(upload))
	if err != nil {
		return img
	}
	tag, err := x.Get(exif.Orientation)
	if err != nil {
		return img
	}
	o, err := tag.Int(0)
	if err != nil || o < 2 || o > 8 {
		return img
	}
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	if o >= 5 { // the four that turn by a quarter swap the sides
		dst = image.NewRGBA(image.Rect(0, 0, h, w))
	}
	for y := range h {
		for x := range w {
			var dx, dy int
			switch o {
			case 2: // mirrored
				dx, dy = w-1-x, y
			case 3: // turned by 180°
				dx, dy = w-1-x, h-1-y
			case 4: // flipped
				dx, dy = x, h-1-y
			case 5: // mirrored along the diagonal
				dx, dy = y, x
			case 6: // to be turned clockwise
				dx, dy = h-1-y, x
			case 7: // mirrored along the other diagonal
				dx, dy = h-1-y, w-1-x
			case 8: // to be turned counter-clockwise
				dx, dy = y, w-1-x
			}
			dst.SetRGBA(dx, dy, img.RGBAAt(x, y))
		}
	}
	return dst
}

// SetPhoto replaces a person's photo with the prepared upload.
func (e *Expertise) SetPhoto(ctx context.Context, accountID int64, upload []byte) error {
	content, err := preparePhoto(upload)
	if err != nil {
		return err
	}
	return e.store.SavePhoto(ctx, accountID, content)
}

// uploadPhoto takes the photo from the form on the own profile page. A
// rejected upload leaves the saved photo as it was.
func (e *Expertise) uploadPhoto(c *gin.Context) {
	ctx, v := c.Request.Context(), web.ViewerOf(c)
	// Room for the form's other fields and the multipart framing.
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, MaxPhotoBytes+64<<10)
	file, _, err := web.FormFile(c, "photo", errs.E(errs.Invalid, "expertise.photo.too_large", "MB", MaxPhotoBytes>>20).OnField("photo"),
		errs.E(errs.Invalid, "expertise.photo.missing").OnField("photo"))
	if err != nil {
		e.failPhoto(c, err)
		return
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, MaxPhotoBytes+1))
	if err == nil {
		err = e.SetPhoto(ctx, v.ID, data)
	}
	if err != nil {
		e.failPhoto(c, err)
		return
	}
	done(c, "foto", "#foto")
}

// failPhoto shows why an upload was refused on the profile page, with 422.
func (e *Expertise) failPhoto(c *gin.Context, err error) {
	pe, ok := errs.As(err)
	if !ok || pe.Code != errs.Invalid {
		e.web.Fail(c, err)
		return
	}
	form := frontend.NewForm()
	form.Fail("photo", e.web.Message(c, pe))
	e.renderMePage(c, web.Status(errs.Invalid), mePage{PhotoForm: form})
}

func (e *Expertise) removePhoto(c *gin.Context) {
	if err := e.store.DeletePhoto(c.Request.Context(), web.ViewerOf(c).ID); err != nil {
		e.web.Fail(c, err)
		return
	}
	done(c, "foto_entfernt", "#foto")
}

// photo serves a person's photo to whoever may see the profile, and 404
// to everyone else, as the profile page does.
func (e *Expertise) photo(c *gin.Context) {
	ctx, v := c.Request.Context(), web.ViewerOf(c)
	p, err := e.store.ProfileByHandle(ctx, c.Param("handle"))
	if err == nil && !visibleTo(v, p) {
		err = errs.E(errs.NotFound, "error.not_found")
	}
	var ph Photo
	if err == nil {
		ph, err = e.store.Photo(ctx, p.AccountID)
	}
	if err != nil {
		e.web.Fail(c, err)
		return
	}
	c.Header("Cache-Control", "private, max-age=300")
	c.Header("X-Content-Type-Options", "nosniff")
	c.Header("Content-Security-Policy", "default-src 'none'; sandbox")
	c.Header("Content-Type", ph.ContentType)
	// An ETag of the content, no Last-Modified: the time of the change
	// is nobody else's business.
	c.Header("ETag", `"`+ph.Version+`"`)
	http.ServeContent(c.Writer, c.Request, "", time.Time{}, bytes.NewReader(ph.Content))
}
