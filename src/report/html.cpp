#include "report/html.hpp"

#include "base/markup.hpp"

#include <fmt/format.h>

namespace cutover {

namespace {

// Light and dark, from the reader's system; status is never told by colour alone (marks and
// words say it too), and the palette keeps its contrast on a projector.
constexpr std::string_view style = R"(
:root{--fg:#1b1f24;--dim:#5b6470;--bg:#fff;--card:#f3f5f8;--line:#d5dae1;--ok:#2f7d4f;
--failed:#c0392b;--retried:#b7791f;--doubt:#6b46c1;--active:#2b6cb0;--planned:#b9c3cf;
--crit:#111}
@media (prefers-color-scheme:dark){:root{--fg:#e6e9ee;--dim:#9aa4b1;--bg:#14171b;
--card:#1f242a;--line:#343b44;--planned:#4a5563;--crit:#fff}}
*{box-sizing:border-box}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);
background:var(--bg);margin:0 auto;padding:24px 32px;max-width:1240px}
h1{font-size:26px;margin:0}h2{font-size:19px;margin:28px 0 8px;border-bottom:1px solid
var(--line);padding-bottom:4px}.sub{color:var(--dim);margin:2px 0 16px}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:8px 0 12px}.card{background:var(--card);
border-radius:8px;padding:10px 16px;min-width:130px}.card b{display:block;font-size:22px}
.card span{color:var(--dim);font-size:12px;text-transform:uppercase;letter-spacing:.05em}
.warn{background:#fff3cd;color:#5c4400;border-radius:6px;padding:8px 12px}
table{border-collapse:collapse;width:100%;font-size:13.5px;margin:6px 0}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{color:var(--dim);font-weight:600}td.r,th.r{text-align:right;font-variant-numeric:tabular-nums}
pre{background:var(--card);padding:8px 12px;border-radius:6px;overflow-x:auto;font-size:12.5px}
details{margin:6px 0}summary{cursor:pointer;font-weight:600;padding:4px 0}.dim{color:var(--dim);
font-weight:400}.legend{color:var(--dim);font-size:13px}.key{display:inline-block;width:14px;
height:10px;margin:0 4px 0 10px;border-radius:2px;vertical-align:middle}
.key.planned{background:var(--planned)}.key.ok{background:var(--ok)}.key.crit{border:2px solid
var(--crit)}.key.failed{background:var(--failed)}.key.retried{background:var(--retried)}
.key.doubt{background:var(--doubt)}
svg.gantt{display:block;max-width:100%;height:auto}svg text{font-size:12px;fill:var(--fg)}
text.tick{fill:var(--dim);font-size:11px;text-anchor:middle}line.tick{stroke:var(--line)}
text.label.crit{font-weight:700}rect.planned{fill:var(--planned)}
rect.bar,path.gate{fill:var(--ok)}.failed{fill:var(--failed)!important}
.retried{fill:var(--retried)!important}.doubt{fill:var(--doubt)!important;stroke:var(--fg);
stroke-dasharray:3 2}.active{fill:var(--active)!important}.skipped{fill:var(--planned)!important}
rect.crit{stroke:var(--crit);stroke-width:2}
line.window{stroke:var(--failed);stroke-width:2;stroke-dasharray:6 4}
line.ponr{stroke:var(--doubt);stroke-width:2}
g.task:hover text{text-decoration:underline}
.cbar{display:inline-block;height:10px;background:var(--ok);border-radius:2px;vertical-align:middle}
@media print{body{max-width:none}details{display:block}}
)";

}  // namespace

HtmlPage::HtmlPage(std::string_view title) : title_(markup_escape(title)) {}

void HtmlPage::heading(std::string_view subtitle) {
  body_ += fmt::format("<h1>{}</h1>\n<p class=\"sub\">{}</p>\n", title_, markup_escape(subtitle));
}

void HtmlPage::cards(const std::vector<std::pair<std::string, std::string>>& cards) {
  body_ += "<div class=\"cards\">";
  for (const auto& [caption, value] : cards) {
    body_ += fmt::format("<div class=\"card\"><span>{}</span><b>{}</b></div>",
                         markup_escape(caption), markup_escape(value));
  }
  body_ += "</div>\n";
}

void HtmlPage::paragraph(std::string_view text) {
  body_ += fmt::format("<p>{}</p>\n", markup_escape(text));
}

void HtmlPage::warning(std::string_view text) {
  body_ += fmt::format("<p class=\"warn\">⚠ {}</p>\n", markup_escape(text));
}

std::string HtmlPage::finish() {
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<meta "
      "name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n"
      "<style>{}</style></head>\n<body>\n{}<p class=\"dim\">Made by cutover report from the "
      "journals.</p>\n</body></html>\n",
      title_, style, body_);
}

}  // namespace cutover
