package mailthread

import (
	"testing"
	"time"
)

func TestMsgSmoke(t *testing.T) {
	m := &msgSpec{Subject: "AW: Test", SenderName: "Erika Muster", AddrType: "SMTP", SenderAddr: "Erika@behoerde.example",
		Sent: time.Date(2026, 11, 5, 8, 12, 0, 0, time.UTC), Body: "Hallo,\r\n\r\nText der Antwort.\r\n\r\nGruß\r\nErika",
		Attach: []attachSpec{{Name: "a.txt", Data: make([]byte, 5000)}, {Msg: &msgSpec{Subject: "inner", Body: "Innen"}}}}
	th, err := ParseMsg(m.file())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%+v", th)
}
