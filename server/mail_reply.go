package main

// replyAddress turns the tag of a signed reply address into the address,
// nil without mail-in. The listener is made later in the wiring
// (wireMailIn), once the board it hands mail to exists; the dispatcher
// asks for addresses only when it sends.
func (s *Server) replyAddress() func(tag string) string {
	if s.mailListener == nil {
		return nil
	}
	return func(tag string) string { return s.mailIn.AddressFor(tag) }
}
