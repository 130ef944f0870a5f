package importer

import (
	"fmt"
	"strings"

	"github.com/JohannesKaufmann/html-to-markdown/v2/converter"
	"github.com/JohannesKaufmann/html-to-markdown/v2/plugin/base"
	"github.com/JohannesKaufmann/html-to-markdown/v2/plugin/commonmark"
	"github.com/JohannesKaufmann/html-to-markdown/v2/plugin/strikethrough"
	"github.com/JohannesKaufmann/html-to-markdown/v2/plugin/table"
)

// markdownConverter turns the HTML of Stack Exchange posts into the
// Markdown Fachnetz stores. Elements the converter has no rule for (kbd,
// sup, span, div …) keep their text and lose the tag: the converter never
// copies HTML through, and the list-separating "<!--THE END-->" comment is
// switched off, so that the stored Markdown holds no raw HTML at all (the
// renderer would drop it anyway, and with it the text inside).
type markdownConverter struct{ conv *converter.Converter }

func newMarkdownConverter() *markdownConverter {
	return &markdownConverter{conv: converter.NewConverter(
		converter.WithPlugins(
			base.NewBasePlugin(),
			commonmark.NewCommonmarkPlugin(
				commonmark.WithListEndComment(false),
			),
			strikethrough.NewStrikethroughPlugin(),
			// Tables with line breaks in a cell would need <br>: such a
			// table is converted to its cells' text instead.
			table.NewTablePlugin(table.WithNewlineBehavior(table.NewlineBehaviorSkip)),
		),
	)}
}

// convert returns the Markdown of an HTML body.
func (c *markdownConverter) convert(html string) (string, error) {
	md, err := c.conv.ConvertString(html)
	if err != nil {
		return "", fmt.Errorf("convert HTML to Markdown: %w", err)
	}
	return strings.TrimSpace(md), nil
}
