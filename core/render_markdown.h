// Markdown renderings of the report (core/report.h) and the brief
// (core/brief.h): readable as plain text in a terminal or an e-mail, and
// well-formed when a Markdown viewer turns them into HTML.
//
// Record text is hostile: every piece of it goes through MarkdownText, which
// keeps it on one line, backslash-escapes the characters that could open
// markup (emphasis, code, links, raw HTML, table pipes) and neutralizes a
// leading character that would start a heading, list or quote. Numbers and
// vocabulary labels come from palabre itself. Place.site is never printed
// (it is not in the computed data).
#ifndef PALABRE_CORE_RENDER_MARKDOWN_H_
#define PALABRE_CORE_RENDER_MARKDOWN_H_

#include <string>
#include <string_view>

#include "core/brief.h"
#include "core/report.h"

namespace palabre {

// The whole report as a Markdown document (ends with a newline). Never
// fails.
std::string RenderReportMarkdown(const Report& report);

// The whole brief as a Markdown document (ends with a newline). Never
// fails.
std::string RenderBriefMarkdown(const Brief& brief);

// `text` made safe as inline Markdown, also inside a table cell: line
// breaks and tabs become spaces, surrounding spaces are trimmed,
// \ ` * _ [ ] < > | ~ are backslash-escaped, and a leading # + - = or an
// ordered-list marker ("1.") is escaped. Never fails.
std::string MarkdownText(std::string_view text);

}  // namespace palabre

#endif  // PALABRE_CORE_RENDER_MARKDOWN_H_
