package service

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"path"
	"strings"

	"github.com/motcua/motcua/errs"
)

// Limits of the whole-file checks: an image's pixels, and what the
// entries of a DOCX or XLSX may inflate to.
const (
	maxImagePixels      = 50_000_000 // an A4 page scanned at 600 dpi is 35 million
	maxZipEntries       = 10_000
	maxZipUncompressed  = 100 << 20 // all entries together
	maxZipRatio         = 100       // an entry over 1 MB inflated may be at most 100 times its compressed size
	minRatioCheckedSize = 1 << 20
	maxContentTypesXML  = 1 << 20
)

// fileFault is why an upload's bytes are refused although they begin as
// an allowed type: the reason is a stable word for clients, the messages
// say what to do.
type fileFault struct {
	reason string
	vi, en string
}

// The faults the whole-file checks find.
var (
	faultMarkup       = &fileFault{"html_content", "tệp chứa mã HTML hoặc script", "the file carries HTML or script"}
	faultPDFEnd       = &fileFault{"pdf_end", "tệp PDF không kết thúc bằng %%EOF (tệp bị cắt hoặc có dữ liệu thêm vào sau)", "the PDF does not end with %%EOF (it is cut short or has data appended)"}
	faultImageBroken  = &fileFault{"image_damaged", "tệp ảnh bị hỏng hoặc không đầy đủ", "the image is damaged or incomplete"}
	faultImageTooBig  = &fileFault{"image_too_large", "ảnh vượt quá 50 triệu điểm ảnh", "the image exceeds 50 million pixels"}
	faultTrailingData = &fileFault{"trailing_data", "tệp có dữ liệu thêm vào sau phần kết thúc", "the file has data appended after its end"}
	faultOfficeBroken = &fileFault{"office_damaged", "tệp DOCX/XLSX bị hỏng", "the DOCX or XLSX file is damaged"}
	faultMacros       = &fileFault{"office_macros", "tệp Office chứa macro (VBA): hãy lưu lại thành .docx hoặc .xlsx không có macro", "the Office file carries macros (VBA): save it as a .docx or .xlsx without macros"}
	faultArchiveBomb  = &fileFault{"archive_too_large", "nội dung tệp DOCX/XLSX khi giải nén vượt quá 100 MB hoặc nén bất thường", "the DOCX or XLSX file inflates past 100 MB or is compressed abnormally"}
)

// checkType reads the whole staged file for an allowed type and returns
// that type; a refusal names field: file_type_not_allowed when the bytes
// are no allowed type, file_content_not_allowed when they begin as one but
// the rest of the file is not that type or carries what is not allowed
// (HTML or script, data after a PDF's end, a damaged image, macros, an
// archive that inflates past the limits).
func (st *staged) checkType(field string) (string, error) {
	if st.checked {
		return st.contentType, nil
	}
	ct, ok, fault := st.inspect()
	switch {
	case !ok:
		e := errs.Invalid(field, "chỉ nhận tệp PDF, PNG, JPEG, DOCX, XLSX", "only PDF, PNG, JPEG, DOCX and XLSX files are accepted")
		e.Code = "file_type_not_allowed"
		return "", e.With("detected", ct).With("allowed", AllowedTypes)
	case fault != nil:
		e := errs.Invalid(field, fault.vi, fault.en)
		e.Code = "file_content_not_allowed"
		return "", e.With("detected", ct).With("reason", fault.reason)
	}
	st.contentType, st.checked = ct, true
	return ct, nil
}

// inspect names the staged file's type from its first bytes, whether that
// type is allowed, and what the whole-file check of that type finds.
func (st *staged) inspect() (string, bool, *fileFault) {
	head := make([]byte, 512)
	n, err := st.tmp.ReadAt(head, 0)
	if err != nil && !errors.Is(err, io.EOF) {
		return "", false, nil
	}
	ct := sniff(head[:n])
	if ct == typeZIP {
		var ok bool
		if ct, ok = officeType(st.tmp, st.size); !ok {
			return ct, false, nil
		}
	}
	if ct == "application/octet-stream" {
		return ct, false, nil
	}
	return ct, true, wholeFile(st.tmp, st.size, ct)
}

// wholeFile checks every byte of a file of an allowed type ct.
func wholeFile(r io.ReaderAt, size int64, ct string) *fileFault {
	scan, err := scanFile(r, size)
	if err != nil {
		return faultImageBroken
	}
	if scan.markup {
		return faultMarkup
	}
	switch ct {
	case TypePDF:
		return checkPDF(r, scan)
	case TypePNG:
		return checkPNG(r, size)
	case TypeJPEG:
		return checkJPEG(r, size)
	case TypeDOCX, TypeXLSX:
		return checkOffice(r, size)
	}
	return nil
}

// markupTags open HTML a browser would render or run; each counts only
// when the tag's name ends there ("<head>" but not "<headerFooter>").
var markupTags = []string{"<html", "<head", "<body", "<script", "<iframe", "<svg", "<object", "<embed", "<meta", "<form"}

// markupWords count wherever they are.
var markupWords = []string{"<!doctype html", "javascript:"}

// fileScan is what one pass over a file found: HTML or script anywhere,
// and where its last byte that is not PDF white space is.
type fileScan struct {
	markup    bool
	lastSolid int64 // -1: the file is all white space
}

// pdfSpace is white space in PDF (ISO 32000 7.2.2), allowed after %%EOF.
func pdfSpace(b byte) bool {
	return b == 0 || b == '\t' || b == '\n' || b == '\f' || b == '\r' || b == ' '
}

// scanFile reads the file once, in chunks that overlap by the longest
// marker, looking for markup (ASCII case folded) and the last solid byte.
func scanFile(r io.ReaderAt, size int64) (fileScan, error) {
	const chunk, overlap = 64 << 10, 16
	out := fileScan{lastSolid: -1}
	buf := make([]byte, overlap+chunk)
	kept := 0
	for off := int64(0); off < size; {
		n, err := r.ReadAt(buf[kept:kept+chunk], off)
		if err != nil && !errors.Is(err, io.EOF) {
			return out, err
		}
		if n == 0 {
			break
		}
		window := buf[:kept+n]
		for i := len(window) - 1; i >= kept; i-- {
			if !pdfSpace(window[i]) {
				out.lastSolid = off + int64(i-kept)
				break
			}
		}
		off += int64(n)
		if hasMarkup(bytes.ToLower(window), off >= size || n < chunk) {
			out.markup = true
		}
		kept = min(overlap, len(window))
		copy(buf, window[len(window)-kept:])
	}
	return out, nil
}

// hasMarkup finds a markup tag or word in lower-cased bytes. A tag at the
// very end of a window that is not the last is left to the next window,
// which overlaps this one and shows the byte after it.
func hasMarkup(low []byte, last bool) bool {
	for _, w := range markupWords {
		if bytes.Contains(low, []byte(w)) {
			return true
		}
	}
	for _, tag := range markupTags {
		for rest := low; ; {
			i := bytes.Index(rest, []byte(tag))
			if i < 0 {
				break
			}
			end := i + len(tag)
			if end >= len(rest) && last || end < len(rest) && !nameByte(rest[end]) {
				return true
			}
			rest = rest[end:]
		}
	}
	return false
}

// nameByte reports whether b may continue an XML or HTML tag name.
func nameByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b == ':' || b == '-' || b == '_' || b == '.'
}

// checkPDF requires the file to end with %%EOF, white space allowed after
// it: a PDF cut short, or with anything appended, is refused.
func checkPDF(r io.ReaderAt, scan fileScan) *fileFault {
	const eof = "%%EOF"
	start := scan.lastSolid - int64(len(eof)) + 1
	if start < 0 {
		return faultPDFEnd
	}
	tail := make([]byte, len(eof))
	if _, err := r.ReadAt(tail, start); err != nil || string(tail) != eof {
		return faultPDFEnd
	}
	return nil
}

// checkImageConfig decodes an image's header and bounds its pixels.
func checkImageConfig(r io.ReaderAt, size int64, decode func(io.Reader) (image.Config, error)) *fileFault {
	cfg, err := decode(io.NewSectionReader(r, 0, size))
	switch {
	case err != nil || cfg.Width <= 0 || cfg.Height <= 0:
		return faultImageBroken
	case int64(cfg.Width)*int64(cfg.Height) > maxImagePixels:
		return faultImageTooBig
	}
	return nil
}

// checkPNG decodes the header, walks every chunk checking its CRC up to
// IEND with nothing but white space after it, and inflates the image
// data, without keeping it, to exactly the size the header gives.
func checkPNG(r io.ReaderAt, size int64) *fileFault {
	if f := checkImageConfig(r, size, png.DecodeConfig); f != nil {
		return f
	}
	var ihdr []byte
	var idat []io.Reader
	off := int64(len("\x89PNG\r\n\x1a\n"))
	for {
		length, kind, err := pngChunk(r, off, size)
		if err != nil {
			return faultImageBroken
		}
		data := io.NewSectionReader(r, off+8, int64(length))
		switch kind {
		case "IHDR":
			ihdr = make([]byte, 13)
			if length != 13 || readFull(data, ihdr) != nil {
				return faultImageBroken
			}
		case "IDAT":
			idat = append(idat, data)
		}
		off += 12 + int64(length)
		if kind == "IEND" {
			break
		}
	}
	if ihdr == nil || len(idat) == 0 {
		return faultImageBroken
	}
	if !allSpace(r, off, size) {
		return faultTrailingData
	}
	return inflatePNG(io.MultiReader(idat...), ihdr)
}

// pngChunk reads the chunk at off: its data length and type, once its CRC
// matches.
func pngChunk(r io.ReaderAt, off, size int64) (uint32, string, error) {
	var head [8]byte
	if off+12 > size {
		return 0, "", io.ErrUnexpectedEOF
	}
	if _, err := r.ReadAt(head[:], off); err != nil {
		return 0, "", err
	}
	length := binary.BigEndian.Uint32(head[:4])
	if int64(length) > size-off-12 {
		return 0, "", io.ErrUnexpectedEOF
	}
	crc := crc32.NewIEEE()
	if _, err := io.Copy(crc, io.NewSectionReader(r, off+4, 4+int64(length))); err != nil {
		return 0, "", err
	}
	var sum [4]byte
	if _, err := r.ReadAt(sum[:], off+8+int64(length)); err != nil {
		return 0, "", err
	}
	if binary.BigEndian.Uint32(sum[:]) != crc.Sum32() {
		return 0, "", errors.New("service: png chunk crc")
	}
	return length, string(head[4:]), nil
}

// inflatePNG inflates the image data into nothing and requires exactly the
// bytes the header's size, depth, colour type and interlacing give.
func inflatePNG(idat io.Reader, ihdr []byte) *fileFault {
	want, ok := pngRawSize(ihdr)
	if !ok {
		return faultImageBroken
	}
	zr, err := zlib.NewReader(idat)
	if err != nil {
		return faultImageBroken
	}
	n, err := io.Copy(io.Discard, io.LimitReader(zr, want+1))
	if err != nil || n != want {
		return faultImageBroken
	}
	return nil
}

// pngChannels is the number of samples per pixel of each colour type.
var pngChannels = map[byte]int64{0: 1, 2: 3, 3: 1, 4: 2, 6: 4}

// adam7 are the passes of an interlaced PNG: x and y start and step.
var adam7 = [7][4]int64{{0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4}, {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2}}

// pngRawSize is the size of the filtered scanlines an IHDR announces.
func pngRawSize(ihdr []byte) (int64, bool) {
	w, h := int64(binary.BigEndian.Uint32(ihdr[0:])), int64(binary.BigEndian.Uint32(ihdr[4:]))
	channels, ok := pngChannels[ihdr[9]]
	if !ok || w*h > maxImagePixels {
		return 0, false
	}
	bits := int64(ihdr[8]) * channels
	rows := func(pw, ph int64) int64 { return ph * (1 + (pw*bits+7)/8) }
	if ihdr[12] == 0 {
		return rows(w, h), true
	}
	var total int64
	for _, p := range adam7 {
		pw, ph := (w-p[0]+p[2]-1)/p[2], (h-p[1]+p[3]-1)/p[3]
		if pw > 0 && ph > 0 {
			total += rows(pw, ph)
		}
	}
	return total, true
}

// checkJPEG decodes the header and walks the markers and the entropy-coded
// data to the end of the image (EOI): a file cut short is refused. Bytes
// after EOI are tolerated (phones append their own), but not markup, which
// scanFile has refused already.
func checkJPEG(r io.ReaderAt, size int64) *fileFault {
	if f := checkImageConfig(r, size, jpeg.DecodeConfig); f != nil {
		return f
	}
	br := bufio.NewReader(io.NewSectionReader(r, 2, size-2)) // after SOI
	m, err := jpegMarker(br)
	for err == nil {
		switch {
		case m == 0xd9: // EOI
			return nil
		case m == 0x01 || m >= 0xd0 && m <= 0xd7: // no length
			m, err = jpegMarker(br)
			continue
		}
		if err = skipSegment(br); err != nil {
			break
		}
		if m == 0xda { // SOS: entropy-coded data up to the next marker
			m, err = scanToMarker(br)
		} else {
			m, err = jpegMarker(br)
		}
	}
	return faultImageBroken
}

// jpegMarker reads the next marker's code: junk before its 0xFF is
// skipped, as libjpeg and Go's decoder do, and so are fill bytes.
func jpegMarker(br *bufio.Reader) (byte, error) {
	for {
		b, err := br.ReadByte()
		if err != nil {
			return 0, err
		}
		if b != 0xff {
			continue
		}
		if m, err := markerAfterFF(br); err != nil || m != 0 {
			return m, err
		}
	}
}

// markerAfterFF reads what follows a 0xFF: fill bytes, then the marker's
// code (0 for a stuffed zero, which is data).
func markerAfterFF(br *bufio.Reader) (byte, error) {
	for {
		b, err := br.ReadByte()
		if err != nil || b != 0xff {
			return b, err
		}
	}
}

// skipSegment skips a marker segment by its length.
func skipSegment(br *bufio.Reader) error {
	var l [2]byte
	if _, err := io.ReadFull(br, l[:]); err != nil {
		return err
	}
	n := int(binary.BigEndian.Uint16(l[:]))
	if n < 2 {
		return errors.New("service: jpeg segment length")
	}
	_, err := br.Discard(n - 2)
	return err
}

// scanToMarker reads entropy-coded data up to the next marker other than
// a restart, and returns that marker's code.
func scanToMarker(br *bufio.Reader) (byte, error) {
	for {
		b, err := br.ReadByte()
		if err != nil {
			return 0, err
		}
		if b != 0xff {
			continue
		}
		m, err := markerAfterFF(br)
		if err != nil {
			return 0, err
		}
		if m != 0 && (m < 0xd0 || m > 0xd7) {
			return m, nil
		}
	}
}

// checkOffice inflates every entry of a DOCX or XLSX within bounds, into
// nothing, and refuses macros: a vbaProject part, or a macro-enabled
// content type.
func checkOffice(r io.ReaderAt, size int64) *fileFault {
	if !zipEndsAtEnd(r, size) {
		return faultTrailingData
	}
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return faultOfficeBroken
	}
	if len(zr.File) > maxZipEntries {
		return faultArchiveBomb
	}
	var declared uint64
	for _, f := range zr.File {
		if macroPart(f.Name) {
			return faultMacros
		}
		declared += f.UncompressedSize64
	}
	if declared > maxZipUncompressed {
		return faultArchiveBomb
	}
	if fault := officeContentTypes(zr); fault != nil {
		return fault
	}
	return inflateAll(zr)
}

// macroPart names the parts that hold VBA macros.
func macroPart(name string) bool {
	base := strings.ToLower(path.Base(strings.ReplaceAll(name, `\`, "/")))
	return strings.HasPrefix(base, "vbaproject") || base == "vbadata.xml"
}

// officeContentTypes refuses a package whose [Content_Types].xml declares
// a macro-enabled document (.docm, .xlsm) or a VBA project.
func officeContentTypes(zr *zip.Reader) *fileFault {
	for _, f := range zr.File {
		if f.Name != "[Content_Types].xml" {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return faultOfficeBroken
		}
		data, err := io.ReadAll(io.LimitReader(rc, maxContentTypesXML))
		rc.Close()
		if err != nil {
			return faultOfficeBroken
		}
		low := bytes.ToLower(data)
		if bytes.Contains(low, []byte("macroenabled")) || bytes.Contains(low, []byte("vbaproject")) {
			return faultMacros
		}
	}
	return nil
}

// inflateAll reads every entry into nothing, checking its CRC, and stops
// as soon as the total passes maxZipUncompressed or a large entry
// inflates more than maxZipRatio times: sizes declared in the archive are
// not trusted.
func inflateAll(zr *zip.Reader) *fileFault {
	var total int64
	for _, f := range zr.File {
		if f.FileInfo().IsDir() {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return faultOfficeBroken
		}
		n, err := io.Copy(io.Discard, io.LimitReader(rc, maxZipUncompressed-total+1))
		rc.Close()
		total += n
		switch {
		case total > maxZipUncompressed:
			return faultArchiveBomb
		case n > minRatioCheckedSize && n > maxZipRatio*int64(f.CompressedSize64):
			return faultArchiveBomb
		case err != nil:
			return faultOfficeBroken
		}
	}
	return nil
}

// zipEndsAtEnd reports whether the archive's end record (and its comment)
// ends the file: nothing is appended after the archive.
func zipEndsAtEnd(r io.ReaderAt, size int64) bool {
	const record = 22
	n := min(size, record+0xffff)
	tail := make([]byte, n)
	if _, err := r.ReadAt(tail, size-n); err != nil {
		return false
	}
	i := bytes.LastIndex(tail, []byte("PK\x05\x06"))
	if i < 0 || i+record > len(tail) {
		return false
	}
	comment := int(binary.LittleEndian.Uint16(tail[i+20:]))
	return i+record+comment == len(tail)
}

// allSpace reports whether the bytes from off to size are PDF white space.
func allSpace(r io.ReaderAt, off, size int64) bool {
	if off >= size {
		return true
	}
	rest := make([]byte, min(size-off, 4096))
	if size-off > int64(len(rest)) {
		return false
	}
	if _, err := r.ReadAt(rest, off); err != nil && !errors.Is(err, io.EOF) {
		return false
	}
	return len(bytes.TrimFunc(rest, func(c rune) bool { return c < 0x80 && pdfSpace(byte(c)) })) == 0
}

// readFull reads len(p) bytes of r.
func readFull(r io.Reader, p []byte) error {
	_, err := io.ReadFull(r, p)
	return err
}
