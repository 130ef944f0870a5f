package frontend

// Form carries what a person typed and what was wrong with it back into the
// page, so that a rejected form comes back filled in with its errors.
type Form struct {
	Values map[string]string
	Errors map[string]string // field name → translated message
	order  []string
	labels map[string]string // field name → label key, told by the fields as they render
	shown  map[string]string // input id → label text, read from the page rendered before
}

// NewForm starts an empty form.
func NewForm() *Form { return &Form{Values: map[string]string{}, Errors: map[string]string{}} }

// Set records a submitted value.
func (f *Form) Set(name, value string) { f.Values[name] = value }

// Fail records a translated error for a field; the first error of each
// field wins, and the summary lists fields in the order they failed.
func (f *Form) Fail(name, message string) {
	if _, ok := f.Errors[name]; ok {
		return
	}
	f.Errors[name] = message
	f.order = append(f.order, name)
}

// Failed reports whether any field has an error.
func (f *Form) Failed() bool { return len(f.Errors) > 0 }

// Summary lists the errors in order, for the error summary at the top.
func (f *Form) Summary() []FieldError {
	out := make([]FieldError, 0, len(f.order))
	for _, name := range f.order {
		id := "f-" + name
		out = append(out, FieldError{ID: id, Label: f.labels[name], Name: f.shown[id], Message: f.Errors[name]})
	}
	return out
}

// FieldError links a message to the input it belongs to. The summary
// names the field by Label (a catalogue key, from the field partials) or
// else Name (the label's text on the page). Both are known once the page
// has rendered the fields below the summary, so a page with errors is
// rendered twice.
type FieldError struct{ ID, Label, Name, Message string }

// Field is what the input partials render. Autocomplete is the HTML
// autocomplete token of a field about the person filling it in (tel,
// organization-title), so that browsers and assistive technology can fill
// and recognise it (WCAG 1.3.5).
type Field struct {
	ID, Name, Label, Type, Value, Error, Hint string
	Autocomplete                              string
	Required                                  bool
}

// WithAutocomplete returns the field with an autocomplete token.
func (fl Field) WithAutocomplete(token string) Field {
	fl.Autocomplete = token
	return fl
}

// Field describes one input; label is a catalogue key.
func (f *Form) Field(name, label, typ string, required bool) Field {
	if f.Errors[name] != "" {
		if f.labels == nil {
			f.labels = map[string]string{}
		}
		f.labels[name] = label
	}
	return Field{
		ID: "f-" + name, Name: name, Label: label, Type: typ,
		Value: f.Values[name], Error: f.Errors[name], Required: required,
	}
}

// Option is one choice of a select or radio group; Label and Hint are
// catalogue keys.
type Option struct{ Value, Label, Hint string }

// Choice is a field with its options, for the select and radios partials.
type Choice struct {
	Field   Field
	Options []Option
}

// Choice describes a select or radio group.
func (f *Form) Choice(name, label string, options ...Option) Choice {
	return Choice{Field: f.Field(name, label, "", true), Options: options}
}

// WithHint returns the field with a hint (a catalogue key) below its label.
func (fl Field) WithHint(hint string) Field {
	fl.Hint = hint
	return fl
}

// WithID returns the field with another element id, for pages that show
// the same form several times (a comment form under every answer).
func (fl Field) WithID(id string) Field {
	fl.ID = id
	return fl
}
