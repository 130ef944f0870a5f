package markdown

import (
	"strconv"
	"strings"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// KindTaskLabel is the label that holds a task-list checkbox and its text,
// so that assistive technology names the checkbox by the task.
var KindTaskLabel = ast.NewNodeKind("TaskLabel")

// TaskLabel wraps a task's checkbox and the inline text after it.
type TaskLabel struct{ ast.BaseInline }

// Kind implements ast.Node.
func (n *TaskLabel) Kind() ast.NodeKind { return KindTaskLabel }

// Dump implements ast.Node.
func (n *TaskLabel) Dump(source []byte, level int) { ast.DumpHelper(n, source, level, nil, nil) }

// KindTableScroll is the region around a table that scrolls sideways on
// its own, so that a wide table never widens the page (WCAG 1.4.10).
var KindTableScroll = ast.NewNodeKind("TableScroll")

// TableScroll wraps one table; Label names the region for screen readers
// and keyboard users, who reach it with Tab to scroll it.
type TableScroll struct {
	ast.BaseBlock
	Label string
}

// Kind implements ast.Node.
func (n *TableScroll) Kind() ast.NodeKind { return KindTableScroll }

// Dump implements ast.Node.
func (n *TableScroll) Dump(source []byte, level int) {
	ast.DumpHelper(n, source, level, map[string]string{"Label": n.Label}, nil)
}

// tableWord begins each table region's name; the column headings follow.
const tableWord = "Tabelle"

// a11yTransformer wraps task checkboxes in labels and tables in scroll
// regions. It runs after the glossary transformer, whose marks it only
// moves along with the text around them.
type a11yTransformer struct{}

// Transform implements parser.ASTTransformer.
func (t *a11yTransformer) Transform(doc *ast.Document, reader text.Reader, _ parser.Context) {
	source := reader.Source()
	var boxes []*east.TaskCheckBox
	var tables []*east.Table
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *east.TaskCheckBox:
			boxes = append(boxes, n)
		case *east.Table:
			tables = append(tables, n)
		}
		return ast.WalkContinue, nil
	})
	for _, box := range boxes {
		labelTask(box)
	}
	for i, table := range tables {
		wrapTable(table, i+1, source)
	}
}

// labelTask moves the checkbox and everything after it in its text block
// into a label.
func labelTask(box *east.TaskCheckBox) {
	parent := box.Parent()
	if parent == nil {
		return
	}
	label := &TaskLabel{}
	for n := ast.Node(box); n != nil; {
		next := n.NextSibling()
		parent.RemoveChild(parent, n)
		label.AppendChild(label, n)
		n = next
	}
	parent.AppendChild(parent, label)
}

// wrapTable puts table into a TableScroll named after its column headings
// ("Tabelle: Frist, Tage"), or its number when the headings are empty.
func wrapTable(table *east.Table, number int, source []byte) {
	parent := table.Parent()
	if parent == nil {
		return
	}
	var heads []string
	if header, ok := table.FirstChild().(*east.TableHeader); ok {
		for cell := header.FirstChild(); cell != nil; cell = cell.NextSibling() {
			if s := strings.TrimSpace(plainText(cell, source)); s != "" {
				heads = append(heads, s)
			}
		}
	}
	label := tableWord + " " + strconv.Itoa(number)
	if len(heads) > 0 {
		label = tableWord + ": " + strings.Join(heads, ", ")
	}
	wrap := &TableScroll{Label: label}
	parent.ReplaceChild(parent, table, wrap)
	wrap.AppendChild(wrap, table)
}

// a11yRenderer writes the two wrappers.
type a11yRenderer struct{}

// RegisterFuncs implements renderer.NodeRenderer.
func (r *a11yRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(KindTaskLabel, r.renderTaskLabel)
	reg.Register(KindTableScroll, r.renderTableScroll)
}

func (r *a11yRenderer) renderTaskLabel(w util.BufWriter, _ []byte, _ ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		_, _ = w.WriteString(`<label class="task">`)
	} else {
		_, _ = w.WriteString(`</label>`)
	}
	return ast.WalkContinue, nil
}

func (r *a11yRenderer) renderTableScroll(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		// tabindex: a keyboard user must be able to focus the region to
		// scroll it (axe scrollable-region-focusable).
		_, _ = w.WriteString(`<div class="table-scroll" role="region" tabindex="0" aria-label="`)
		_, _ = w.Write(util.EscapeHTML([]byte(node.(*TableScroll).Label)))
		_, _ = w.WriteString(`">` + "\n")
	} else {
		_, _ = w.WriteString("</div>\n")
	}
	return ast.WalkContinue, nil
}
