package mailthread

import (
	"encoding/binary"
	"fmt"
	"time"
	"unicode/utf16"
)

// msgSpec is an Outlook message to write as .msg; empty fields are left out.
type msgSpec struct {
	Subject    string
	Subject8   []byte // PR_SUBJECT in the message's code page
	SenderName string
	AddrType   string // PR_SENDER_ADDRTYPE: "SMTP" or "EX"
	SenderAddr string // PR_SENDER_EMAIL_ADDRESS
	SMTPAddr   string // PR_SENDER_SMTP_ADDRESS
	Headers    string // PR_TRANSPORT_MESSAGE_HEADERS
	Sent       time.Time
	Delivered  time.Time
	Body       string
	Body8      []byte // PR_BODY in the message's code page
	Codepage   int32  // PR_INTERNET_CPID and PR_MESSAGE_CODEPAGE
	HTML       []byte
	Attach     []attachSpec
}

// attachSpec is a file (Data) or an attached message (Msg).
type attachSpec struct {
	Name, ShortName, MimeTag string
	Data                     []byte
	Msg                      *msgSpec
	Hidden                   bool
}

// propSet collects the property stream entries and value streams of one storage.
type propSet struct {
	entries []byte
	nodes   []*cfbNode
}

func (p *propSet) entry(id, typ uint16, value uint64) {
	var e [16]byte
	binary.LittleEndian.PutUint32(e[0:], uint32(id)<<16|uint32(typ))
	binary.LittleEndian.PutUint32(e[4:], 6)
	binary.LittleEndian.PutUint64(e[8:], value)
	p.entries = append(p.entries, e[:]...)
}

func (p *propSet) stream(id, typ uint16, data []byte, extra int) {
	p.entry(id, typ, uint64(len(data)+extra))
	p.nodes = append(p.nodes, &cfbNode{name: streamName(id, typ), data: data})
}

func (p *propSet) str(id uint16, s string) {
	if s == "" {
		return
	}
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = binary.LittleEndian.AppendUint16(b, u)
	}
	p.stream(id, typeUnicode, b, 2)
}

func (p *propSet) str8(id uint16, b []byte) {
	if b != nil {
		p.stream(id, typeString8, b, 1)
	}
}

func (p *propSet) bin(id uint16, b []byte) {
	if b != nil {
		p.stream(id, typeBinary, b, 0)
	}
}

func (p *propSet) long(id uint16, v int32) {
	if v != 0 {
		p.entry(id, typeLong, uint64(uint32(v)))
	}
}

func (p *propSet) time(id uint16, t time.Time) {
	if !t.IsZero() {
		p.entry(id, typeSysTime, uint64(t.Unix()+11644473600)*1e7+uint64(t.Nanosecond()/100))
	}
}

// build returns the property stream, behind a header of headerLen bytes,
// and the value streams.
func (p *propSet) build(headerLen int, head func([]byte)) []*cfbNode {
	h := make([]byte, headerLen)
	if head != nil {
		head(h)
	}
	return append(p.nodes, &cfbNode{name: propStream, data: append(h, p.entries...)})
}

// nodes lays out a message as the children of its storage.
func (m *msgSpec) nodes(headerLen int) []*cfbNode {
	var p propSet
	p.str(propSubject, m.Subject)
	p.str8(propSubject, m.Subject8)
	p.str(propSenderName, m.SenderName)
	p.str(propSenderAddrType, m.AddrType)
	p.str(propSenderEmailAddr, m.SenderAddr)
	p.str(propSenderSMTPAddr, m.SMTPAddr)
	p.str(propTransportHeaders, m.Headers)
	p.time(propClientSubmitTime, m.Sent)
	p.time(propDeliveryTime, m.Delivered)
	p.str(propBody, m.Body)
	p.str8(propBody, m.Body8)
	p.bin(propHTML, m.HTML)
	p.long(propInternetCPID, m.Codepage)
	p.long(propMessageCodepage, m.Codepage)
	nodes := p.build(headerLen, func(h []byte) {
		if headerLen >= 24 {
			binary.LittleEndian.PutUint32(h[8:], 1)
			binary.LittleEndian.PutUint32(h[12:], uint32(len(m.Attach)))
			binary.LittleEndian.PutUint32(h[16:], 1)
			binary.LittleEndian.PutUint32(h[20:], uint32(len(m.Attach)))
		}
	})
	var rp propSet
	rp.str(propDisplayName, "Fachnetz Eingang")
	nodes = append(nodes, &cfbNode{name: "__recip_version1.0_#00000000", storage: true, children: rp.build(attachHeaderLen, nil)})
	for i, a := range m.Attach {
		var ap propSet
		ap.str(propAttachLongFilename, a.Name)
		ap.str(propAttachFilename, a.ShortName)
		ap.str(propAttachMimeTag, a.MimeTag)
		ap.bin(propAttachData, a.Data)
		if a.Hidden {
			ap.entry(propAttachmentHidden, typeBoolean, 1)
		}
		var inner []*cfbNode
		if a.Msg != nil {
			ap.long(propAttachMethod, attachEmbeddedMsg)
			ap.entry(propAttachData, typeObject, 0xFFFFFFFF)
			inner = append(inner, &cfbNode{name: streamName(propAttachData, typeObject), storage: true, children: a.Msg.nodes(embeddedHeaderLen)})
		} else {
			ap.long(propAttachMethod, 1)
		}
		nodes = append(nodes, &cfbNode{
			name:     fmt.Sprintf("%s%08X", attachPrefix, i),
			storage:  true,
			children: append(ap.build(attachHeaderLen, nil), inner...),
		})
	}
	return nodes
}

// file writes m as Outlook saves it, with an (empty) named property map.
func (m *msgSpec) file() []byte {
	nameid := &cfbNode{name: "__nameid_version1.0", storage: true, children: []*cfbNode{
		{name: "__substg1.0_00020102"}, {name: "__substg1.0_00030102"}, {name: "__substg1.0_00040102"},
	}}
	return writeCompound(append(m.nodes(topHeaderLen), nameid))
}
