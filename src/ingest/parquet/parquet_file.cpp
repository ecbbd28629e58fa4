#include "curcrunch/ingest/parquet/parquet_file.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include "curcrunch/core/error.hpp"
#include "curcrunch/core/file_descriptor.hpp"
#include "curcrunch/core/mapped_read.hpp"
#include "curcrunch/ingest/parquet/bit_util.hpp"
#include "curcrunch/ingest/parquet/format_error.hpp"

namespace curcrunch::ingest::parquet {
bool has_parquet_magic(const unsigned char* head, size_t n) {
    return n >= 4 && std::memcmp(head, "PAR1", 4) == 0;
}

bool has_parquet_magic(const std::string& path) {
    FileDescriptor f;
    f.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (f.fd < 0) return false;
    unsigned char head[4];
    return ::pread(f.fd, head, 4, 0) == 4 && has_parquet_magic(head, 4);
}

ParquetFile::ParquetFile(const std::string& path) : path_(path) {
    FileDescriptor f;
    f.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (f.fd < 0) throw_input(path + ": cannot open: " + std::strerror(errno));
    struct stat st;
    if (::fstat(f.fd, &st) != 0) throw_input(path + ": cannot stat: " + std::strerror(errno));
    size_ = static_cast<uint64_t>(st.st_size);
    // Magic at both ends, a 4-byte footer length before the trailing magic.
    if (size_ < 12)
        throw_input(path + ": truncated Parquet file (" + std::to_string(size_) +
                    " bytes; the smallest possible is 12)");
    void* m = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, f.fd, 0);
    if (m == MAP_FAILED) throw_input(path + ": cannot map: " + std::strerror(errno));
    data_ = static_cast<const uint8_t*>(m);
    const MappedFileScope shrunk(data_, size_, path_);  // the checks below read the mapping
    try {
        if (std::memcmp(data_, "PAR1", 4) != 0)
            throw_input(path + ": not a Parquet file (bad magic at the start)");
        const uint8_t* tail = data_ + size_ - 4;
        if (std::memcmp(tail, "PARE", 4) == 0)
            throw_input(path + ": encrypted Parquet footers are not supported");
        if (std::memcmp(tail, "PAR1", 4) != 0)
            throw_input(path + ": truncated Parquet file (no PAR1 magic at the end)");
        const uint32_t footer = load_le32(tail - 4);
        if (footer == 0 || footer > size_ - 12)
            throw_input(path + ": damaged Parquet footer (length " + std::to_string(footer) +
                        " does not fit the file of " + std::to_string(size_) + " bytes)");
        if (footer > kMaxFooterBytes)
            throw_input(path + ": Parquet footer of " + std::to_string(footer) +
                        " bytes is larger than the " + std::to_string(kMaxFooterBytes >> 20) +
                        " MiB this reader accepts");
        footer_size_ = footer;
        footer_ = tail - 4 - footer;
        data_end_ = size_ - 8 - footer;
        try {
            meta_ = parse_file_meta(footer_, footer_size_);
            tree_ = build_schema_tree(meta_.schema);
        } catch (const FormatError& e) {
            throw_input(path + ": damaged Parquet footer: " + e.what());
        }
        leaf_paths_ = tree_.leaf_paths();
        int64_t rows = 0;
        for (int64_t r : meta_.row_group_rows) {
            if (r < 0 || rows > INT64_MAX - r)
                throw_input(path + ": damaged Parquet footer: row group row counts overflow");
            rows += r;
        }
        // The file's count is what a reader that trusts it would show (DuckDB's count(*) of a
        // file without a scan): rows it counts that no row group holds, or the reverse, mean
        // the row groups' counts cannot be trusted either.
        if (rows != meta_.num_rows)
            throw_input(path + ": damaged Parquet footer: the file says " +
                        std::to_string(meta_.num_rows) + " rows, its row groups " +
                        std::to_string(rows));
    } catch (...) {
        ::munmap(const_cast<uint8_t*>(data_), size_);
        throw;
    }
}

ParquetFile::~ParquetFile() {
    if (data_) ::munmap(const_cast<uint8_t*>(data_), size_);
}

RowGroupMeta ParquetFile::row_group(size_t i, const std::vector<char>& wanted) const {
    return parse_row_group(footer_, footer_size_, meta_, i, leaf_paths_, wanted);
}

}  // namespace curcrunch::ingest::parquet
