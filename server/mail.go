package main

import (
	"fmt"
	"io"
	"net"

	"github.com/fachnetz/fachnetz/qa"
	"github.com/fachnetz/fachnetz/server/mailin"
)

// listenMailIn takes the mail-in port at start, as the HTTP port is taken,
// so that a port in use is reported before anything else happens.
func (s *Server) listenMailIn() error {
	if s.cfg.MailIn.Listen == "" {
		return nil
	}
	l, err := net.Listen("tcp", s.cfg.MailIn.Listen)
	if err != nil {
		return fmt.Errorf("cannot listen for mail on %s: %w", s.cfg.MailIn.Listen, unwrapSyscall(err))
	}
	s.mailListener = l
	return nil
}

// wireMailIn routes a space's address to the board's forwarding.
func (s *Server) wireMailIn() error {
	if s.mailListener == nil {
		return nil
	}
	cert, err := s.cfg.MailIn.tls()
	if err != nil {
		return err
	}
	s.mailIn, err = mailin.New(mailin.Config{Address: s.cfg.MailIn.Address, MaxBytes: s.cfg.MaxUploadBytes, TLS: cert, Log: s.log})
	if err != nil {
		return err
	}
	s.mailIn.Handle("", s.qa.MailForward)
	s.mailIn.Handle("r-", s.qa.MailReply)
	return nil
}

// serveMailIn runs the mail listener beside the HTTP server.
func (s *Server) serveMailIn(errc chan<- error) {
	if s.mailIn == nil {
		return
	}
	s.log.Info("taking mail", "addr", s.mailListener.Addr().String(), "address", s.cfg.MailIn.Address)
	go func() {
		if err := s.mailIn.Serve(s.mailListener); err != nil {
			errc <- fmt.Errorf("mail-in: %w", err)
		}
	}()
}

// MailAddr is where the mail listener takes connections, "" without one.
func (s *Server) MailAddr() string {
	if s.mailListener == nil {
		return ""
	}
	return s.mailListener.Addr().String()
}

// mailAddress gives the address of mail in with a tag: a space's slug
// forwards into the space, a signed reply tag answers a notification.
// Nil without mail-in. The listener is made later in the wiring
// (wireMailIn), once the board it hands mail to exists; addresses are
// asked for only once serving.
func (s *Server) mailAddress() func(tag string) string {
	if s.mailListener == nil {
		return nil
	}
	return func(tag string) string { return s.mailIn.AddressFor(tag) }
}

// storeMailFile keeps a file of a mail in the attachment store after the
// checks every attachment gets.
func (s *Server) storeMailFile() func(string, io.Reader) (qa.MailFile, error) {
	return func(name string, r io.Reader) (qa.MailFile, error) {
		f, err := s.wiki.CheckFile(name, r)
		return qa.MailFile{Filename: f.Filename, ContentType: f.ContentType, Size: f.Size, SHA256: f.SHA256}, err
	}
}
