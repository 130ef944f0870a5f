package mailthread

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"
	"time"
	"unicode/utf16"
)

// MAPI property ids read from an Outlook message ([MS-OXPROPS]).
const (
	propSubject            = 0x0037
	propClientSubmitTime   = 0x0039
	propSentReprName       = 0x0042
	propSentReprAddrType   = 0x0064
	propSentReprEmailAddr  = 0x0065
	propTransportHeaders   = 0x007D
	propSenderName         = 0x0C1A
	propSenderAddrType     = 0x0C1E
	propSenderEmailAddr    = 0x0C1F
	propDeliveryTime       = 0x0E06
	propBody               = 0x1000
	propHTML               = 0x1013
	propDisplayName        = 0x3001
	propAttachData         = 0x3701
	propAttachFilename     = 0x3704
	propAttachMethod       = 0x3705
	propAttachLongFilename = 0x3707
	propAttachMimeTag      = 0x370E
	propAttachFlags        = 0x3714
	propInternetCPID       = 0x3FDE
	propMessageCodepage    = 0x3FFD
	propSenderSMTPAddr     = 0x5D01
	propSentReprSMTPAddr   = 0x5D02
	propAttachmentHidden   = 0x7FFE
)

// MAPI property types, the low half of a property tag.
const (
	typeLong    uint16 = 0x0003
	typeBoolean uint16 = 0x000B
	typeObject  uint16 = 0x000D
	typeString8 uint16 = 0x001E
	typeUnicode uint16 = 0x001F
	typeSysTime uint16 = 0x0040
	typeBinary  uint16 = 0x0102
)

const propStream = "__properties_version1.0"

// The property stream opens with a header whose length depends on the
// storage: the message itself, a message attached to it, or an attachment.
const (
	topHeaderLen      = 32
	embeddedHeaderLen = 24
	attachHeaderLen   = 8
)

// props are the MAPI properties of one storage: fixed-size values sit in
// the property stream, the others in a stream of their own.
type props struct {
	st    *storage
	fixed map[uint16]fixedProp
	// label names the code page of the 8-bit strings.
	label string
}

type fixedProp struct {
	typ   uint16
	value [8]byte
}

func readProps(st *storage, headerLen int) (*props, error) {
	raw, ok := st.streams[propStream]
	if !ok {
		return nil, fmt.Errorf("no property stream: %w", ErrMalformed)
	}
	if len(raw) < headerLen {
		return nil, fmt.Errorf("property stream of %d bytes: %w", len(raw), ErrMalformed)
	}
	p := &props{st: st, fixed: map[uint16]fixedProp{}}
	// A torn last entry is ignored like a property that is absent.
	for e := raw[headerLen:]; len(e) >= 16; e = e[16:] {
		tag := binary.LittleEndian.Uint32(e)
		var v [8]byte
		copy(v[:], e[8:16])
		p.fixed[uint16(tag>>16)] = fixedProp{typ: uint16(tag), value: v}
	}
	p.label = p.labelOf(propMessageCodepage, propInternetCPID)
	return p, nil
}

// labelOf names the code page the first of ids gives that is known;
// Outlook writes Western European mail in Windows-1252.
func (p *props) labelOf(ids ...uint16) string {
	for _, id := range ids {
		if cp, ok := p.long(id); ok {
			if l, ok := codepageLabels[cp]; ok {
				return l
			}
		}
	}
	return "windows-1252"
}

func streamName(id, typ uint16) string { return fmt.Sprintf("__substg1.0_%04X%04X", id, typ) }

func (p *props) long(id uint16) (int32, bool) {
	f, ok := p.fixed[id]
	if !ok || f.typ != typeLong {
		return 0, false
	}
	return int32(binary.LittleEndian.Uint32(f.value[:])), true
}

func (p *props) boolean(id uint16) bool {
	f, ok := p.fixed[id]
	return ok && f.typ == typeBoolean && f.value[0] != 0
}

// time reads a FILETIME: 100-nanosecond steps since 1601 in UTC.
func (p *props) time(id uint16) time.Time {
	f, ok := p.fixed[id]
	if !ok || f.typ != typeSysTime {
		return time.Time{}
	}
	v := int64(binary.LittleEndian.Uint64(f.value[:]))
	const epochDiff = 11644473600 // seconds from 1601 to 1970
	if v <= 0 {
		return time.Time{}
	}
	return time.Unix(v/1e7-epochDiff, v%1e7*100).UTC()
}

// str reads a string property stored in Unicode or in the message's code page.
func (p *props) str(id uint16) string {
	if b, ok := p.st.streams[streamName(id, typeUnicode)]; ok {
		return strings.TrimRight(utf16LE(b), "\x00")
	}
	if b, ok := p.st.streams[streamName(id, typeString8)]; ok {
		return strings.TrimRight(toUTF8(bytes.TrimRight(b, "\x00"), p.label), "\x00")
	}
	return ""
}

func (p *props) binary(id uint16) ([]byte, bool) {
	b, ok := p.st.streams[streamName(id, typeBinary)]
	return b, ok
}

func utf16LE(b []byte) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = binary.LittleEndian.Uint16(b[2*i:])
	}
	return string(utf16.Decode(u))
}

// codepageLabels maps Windows code page numbers to the charset labels the
// MIME path decodes with.
var codepageLabels = map[int32]string{
	866: "ibm866", 874: "windows-874",
	932: "shift_jis", 936: "gbk", 949: "euc-kr", 950: "big5",
	1200: "utf-16le", 1201: "utf-16be",
	1250: "windows-1250", 1251: "windows-1251", 1252: "windows-1252", 1253: "windows-1253",
	1254: "windows-1254", 1255: "windows-1255", 1256: "windows-1256", 1257: "windows-1257", 1258: "windows-1258",
	10000: "macintosh", 20127: "us-ascii", 20866: "koi8-r", 21866: "koi8-u",
	28591: "iso-8859-1", 28592: "iso-8859-2", 28593: "iso-8859-3", 28594: "iso-8859-4", 28595: "iso-8859-5",
	28596: "iso-8859-6", 28597: "iso-8859-7", 28598: "iso-8859-8", 28599: "iso-8859-9",
	28603: "iso-8859-13", 28605: "iso-8859-15",
	50220: "iso-2022-jp", 51932: "euc-jp", 54936: "gb18030", 65001: "utf-8",
}
