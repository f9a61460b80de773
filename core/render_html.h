// HTML renderings of the report (core/report.h) and the brief
// (core/brief.h): one self-contained page each, to open in any browser,
// send by e-mail or print.
//
// The page holds everything it needs: an inline style sheet (readable on a
// 360-pixel phone, where wide tables scroll sideways, and on paper through
// @media print) and inline SVG charts (core/svg_chart.h). It has no script,
// no external font, image, style sheet or link, and a Content-Security-Policy
// that forbids loading anything, so opening it makes no network request.
// Every piece of text is HTML-escaped (record text is hostile: a <script>
// in a title comes out as inert text) and record text sits in <bdi> so that
// Arabic or Kurdish text cannot reorder what surrounds it. Place.site is
// never printed (it is not in the computed data).
#ifndef PALABRE_CORE_RENDER_HTML_H_
#define PALABRE_CORE_RENDER_HTML_H_

#include <string>

#include "core/brief.h"
#include "core/report.h"

namespace palabre {

// The report as a complete HTML5 document (UTF-8). Never fails.
std::string RenderReportHtml(const Report& report);

// The brief as a complete HTML5 document (UTF-8). Never fails.
std::string RenderBriefHtml(const Brief& brief);

}  // namespace palabre

#endif  // PALABRE_CORE_RENDER_HTML_H_
