#pragma once
// The dialect writers (internal to src/gen): each turns a Line into one CSV row of its dialect
// (legacy CUR, CUR 2.0, FOCUS 1.0), from the same line, so the rollups of all three agree.
#include <memory>
#include <string>

#include "curcrunch/gen/generator.hpp"
#include "line.hpp"

namespace curcrunch::gen {

class Writer {
  public:
    virtual ~Writer() = default;
    virtual void header(std::string& b) = 0;
    // Appends `l` as a row; false when the dialect has no row for it (FOCUS folds a Savings
    // Plan negation into its covered usage line).
    virtual bool row(std::string& b, const Line& l) = 0;
};

std::unique_ptr<Writer> make_legacy_writer(bool hourly);
std::unique_ptr<Writer> make_cur2_writer(bool hourly);
std::unique_ptr<Writer> make_focus_writer(bool hourly);
std::unique_ptr<Writer> make_writer(OutDialect d, bool hourly);

}  // namespace curcrunch::gen
