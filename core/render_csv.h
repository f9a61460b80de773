// CSV renderings of the report's tables (core/report.h), for spreadsheets
// and statistics tools.
//
// One table per document, chosen by name, with a header row:
//   participation  dimension,key,participants,sessions
//   concerns       category,country,region,concerns
//   commitments    owner,made,kept,overdue,dropped,due,kept_due,
//                  follow_through_rate
// Vocabulary words are written as in the record format (`womens_groups`),
// the rate as a fraction between 0 and 1 (up to four decimals), empty when
// no commitment is due. Lines end with CRLF and fields are quoted as RFC
// 4180 says (a field holding a comma, a double quote, CR or LF is quoted,
// inner quotes doubled). Record text is hostile: a text field that starts
// with = + - @ or a tab or CR, which spreadsheets would run as a formula,
// is prefixed with an apostrophe.
#ifndef PALABRE_CORE_RENDER_CSV_H_
#define PALABRE_CORE_RENDER_CSV_H_

#include <string>
#include <string_view>

#include "core/report.h"
#include "platform/status.h"

namespace palabre {

// The report's `table` ("participation", "concerns" or "commitments") as a
// CSV document. kInvalidArgument naming the choices if `table` is empty
// ("--table is required for csv ...") or unknown.
StatusOr<std::string> RenderReportCsv(const Report& report,
                                      std::string_view table);

// One CSV field: quoted if needed (RFC 4180) and, if `text`, defused
// against formula injection as described above. Never fails.
std::string CsvField(std::string_view value, bool text = true);

}  // namespace palabre

#endif  // PALABRE_CORE_RENDER_CSV_H_
