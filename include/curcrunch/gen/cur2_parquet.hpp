#pragma once
// The generator's CUR 2.0 rows as AWS writes them in Parquet (Data Exports, format PARQUET):
// strings as BYTE_ARRAY UTF8 (an empty CSV field is a null), costs and amounts as DOUBLE, the
// four *_date columns as TIMESTAMP (UTC, millis), resource_tags / product / cost_category as
// MAP<STRING,STRING> and discount as MAP<STRING,DOUBLE> (empty here: the generator makes no
// discount lines). Fed the same CSV text the generator writes for --format csv, so both formats
// carry the same values by construction.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "curcrunch/gen/parquet_writer.hpp"

namespace simdjson::dom {
class parser;
}

namespace curcrunch::gen {

class Cur2Parquet {
  public:
    Cur2Parquet(const std::string& path, ParquetCodec codec);
    ~Cur2Parquet();
    // Complete lines of the generator's CUR 2.0 CSV: the header line first, then rows.
    void add_csv(std::string_view text);
    void close();

  private:
    void header(const std::vector<std::string>& names);
    void row(const std::vector<std::string>& fields);

    std::string path_;
    ParquetCodec codec_;
    std::unique_ptr<ParquetWriter> writer_;
    std::vector<int> source_;  // per Parquet column: its CSV field, or -1 (discount)
    std::vector<ParquetKind> kinds_;
    std::vector<std::string> fields_;
    std::vector<ParquetField> row_;
    size_t csv_fields_ = 0;
    std::unique_ptr<simdjson::dom::parser> json_;
    uint64_t line_ = 0;
};

}  // namespace curcrunch::gen
