#include "curcrunch/report/comparison_text.hpp"

#include "curcrunch/report/cell_text.hpp"

namespace curcrunch::report {
namespace {

std::string dates(const store::WindowCoverage& w) {
    return w.from == w.to ? format_day(w.from) : format_day(w.from) + " to " + format_day(w.to);
}

}  // namespace

std::string comparison_sides(const store::Comparison& c, const std::string& currency) {
    auto side = [&](const std::string& label, const store::WindowCoverage& w, Amount a) {
        return label + " " + dates(w) + " (" + (w.none() ? "no data" : money_text(a, currency)) +
               ")";
    };
    return side(c.current_label, c.current, c.now) + " vs " +
           side(c.previous_label, c.previous, c.before);
}

namespace {

// A side as a reader needs it: a generic label with its dates ("previous period 2025-10-01 to
// 2025-10-20"), a month label alone unless it was cut ("2026-09 (1-15)").
std::string side_name(const std::string& label, const store::WindowCoverage& w) {
    const auto m = parse_period(label);
    if (m && label.size() == 7) {
        if (w.from == first_day(*m) && w.to == last_day(*m)) return label;
        return label + " (" + std::to_string(civil_from_days(w.from).day) + "-" +
               std::to_string(civil_from_days(w.to).day) + ")";
    }
    return label + " " + dates(w);
}

}  // namespace

std::string coverage_note(const store::WindowCoverage& w) {
    if (w.complete()) return "";
    if (w.none()) return "no data";
    std::string note = w.days_with_data == w.days ? "data for every day"
                                                  : "data for " + std::to_string(w.days_with_data) +
                                                        " of " + std::to_string(w.days) + " days";
    if (!w.payers_short.empty()) note += "; partial: " + w.payers_short_text();
    return note;
}

ComparisonText comparison_text(const store::Comparison& c, const std::string& currency) {
    ComparisonText t;
    const std::string cur = side_name(c.current_label, c.current);
    const std::string prev = side_name(c.previous_label, c.previous);
    if (c.current.none() || c.previous.none()) {
        t.value = "n/a";
        t.note = (c.current.none() ? cur : prev) + ": no data";
        return t;
    }
    const std::string amounts = cur + " " + money_text(c.now, currency) + " vs " + prev + " " +
                                money_text(c.before, currency);
    if (c.partial()) {
        const store::WindowCoverage& w = c.previous.partial() ? c.previous : c.current;
        t.value = "partial";
        t.note = (c.previous.partial() ? prev : cur) + ": " + coverage_note(w) + "; " + amounts;
        return t;
    }
    t.value = c.verdict();
    t.note = amounts;
    return t;
}

std::string data_through_note(const ReportData& d) {
    std::string note;
    if (d.data_through && d.data_through_status) {
        const std::string month = format_period(period_of(d.data_through));
        switch (*d.data_through_status) {
            case store::PeriodStatus::final:
                note = month + " final";
                break;
            case store::PeriodStatus::accruing:
                note = month + " accruing: AWS may still change it";
                break;
            case store::PeriodStatus::unknown:
                note = month + ": not known whether final (its files carry no invoice id)";
                break;
        }
    }
    if (!d.last_ingest.empty())
        note += std::string(note.empty() ? "" : "; ") + "last ingest " + d.last_ingest;
    return note;
}

std::string row_change(const store::Comparison& c, Amount now, Amount before) {
    if (c.current.none() || c.previous.none()) return "no data";
    if (c.partial()) return "partial";
    return percent_change(now, before);
}

}  // namespace curcrunch::report
