#include "curcrunch/cli/output.hpp"

#include <algorithm>
#include <cstdio>

#include "curcrunch/core/json_text.hpp"
#include "curcrunch/report/cell_text.hpp"

namespace curcrunch::cli {

std::string csv_field(const std::string& s) {
    if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
    std::string o = "\"";
    for (char c : s) {
        if (c == '"') o += '"';
        o += c;
    }
    return o + "\"";
}

std::string money_cell(OutputFormat f, Amount v) {
    return f == OutputFormat::table ? format_money(v) : to_plain_string(v);
}

std::string money_cell(OutputFormat f, Amount v, const std::string& currency) {
    if (f != OutputFormat::table) return to_plain_string(v);
    return currency.empty() ? format_money(v) : report::money_text(v, currency);
}

void print_rows(OutputFormat f, const std::vector<std::string>& head,
                const std::vector<std::vector<std::string>>& rows) {
    std::string o;
    if (f == OutputFormat::json) {
        o = "[";
        for (size_t r = 0; r < rows.size(); ++r) {
            o.append(r ? ",{" : "{");
            for (size_t c = 0; c < head.size(); ++c)
                o.append(c ? "," : "")
                    .append(json_quote(head[c]))
                    .append(":")
                    .append(json_quote(rows[r][c]));
            o.append("}");
        }
        o.append("]\n");
    } else if (f == OutputFormat::csv) {
        for (size_t c = 0; c < head.size(); ++c)
            o.append(c ? "," : "").append(csv_field(head[c]));
        o.append("\n");
        for (const auto& row : rows) {
            for (size_t c = 0; c < row.size(); ++c)
                o.append(c ? "," : "").append(csv_field(row[c]));
            o.append("\n");
        }
    } else {
        std::vector<size_t> width(head.size());
        for (size_t c = 0; c < head.size(); ++c) {
            width[c] = head[c].size();
            for (const auto& row : rows)
                width[c] = std::max(width[c], row[c].size());
        }
        auto line = [&](const std::vector<std::string>& cells) {
            for (size_t c = 0; c < cells.size(); ++c) {
                o.append(c ? "  " : "").append(cells[c]);
                if (c + 1 < cells.size()) o.append(width[c] - cells[c].size(), ' ');
            }
            o.append("\n");
        };
        line(head);
        for (const auto& row : rows)
            line(row);
    }
    std::fputs(o.c_str(), stdout);
}

}  // namespace curcrunch::cli
