#include "curcrunch/store/database.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstring>

#include "curcrunch/core/error.hpp"
#include "curcrunch/core/open_descriptors.hpp"
#include "curcrunch/store/row_feed.hpp"

namespace curcrunch::store {
namespace {

// money_sum(x): exact sum of amount columns (integer or integer-as-text), 128-bit accumulator.
// Returns an integer when the sum fits 64 bits, else its decimal text; NULL for no rows. A
// store curcrunch wrote cannot make it overflow (core/money.hpp); the adds are checked anyway,
// so a store written by something else gets an error, never a wrong or unreadable sum.
// sqlite3_aggregate_context() memory is only 8-byte aligned, too little for __int128, so the
// accumulator is kept as bytes and copied in and out.
struct SumState {
    unsigned char total[sizeof(Amount)];
    int64_t count;
    Amount get() const {
        Amount a;
        std::memcpy(&a, total, sizeof a);
        return a;
    }
    bool add(Amount v) {
        Amount a;
        if (!add_checked(get(), v, a)) return false;
        std::memcpy(total, &a, sizeof a);
        return true;
    }
};

void money_sum_step(sqlite3_context* ctx, int, sqlite3_value** argv) {
    auto* s = static_cast<SumState*>(sqlite3_aggregate_context(ctx, sizeof(SumState)));
    if (!s) return;
    sqlite3_value* v = argv[0];
    Amount a = 0;
    switch (sqlite3_value_type(v)) {
        case SQLITE_INTEGER:
            a = sqlite3_value_int64(v);
            break;
        case SQLITE_TEXT: {
            const char* t = reinterpret_cast<const char*>(sqlite3_value_text(v));
            if (!parse_scaled_integer(t ? t : "", a)) {
                sqlite3_result_error(ctx, "money_sum: not a scaled integer", -1);
                return;
            }
            break;
        }
        case SQLITE_NULL:
            return;
        default:
            sqlite3_result_error(ctx, "money_sum: unexpected value type", -1);
            return;
    }
    if (!s->add(a)) {
        sqlite3_result_error(ctx, "money_sum: sum out of range", -1);
        return;
    }
    s->count++;
}

void money_sum_final(sqlite3_context* ctx) {
    auto* s = static_cast<SumState*>(sqlite3_aggregate_context(ctx, 0));
    if (!s || s->count == 0) {
        sqlite3_result_null(ctx);
    } else if (fits_int64(s->get())) {
        sqlite3_result_int64(ctx, static_cast<int64_t>(s->get()));
    } else {
        std::string t = scaled_integer_string(s->get());
        sqlite3_result_text(ctx, t.c_str(), static_cast<int>(t.size()), SQLITE_TRANSIENT);
    }
}

}  // namespace

Database::Database(const std::string& path, Mode mode) : path_(path) {
    int flags =
        mode == Mode::read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    flags |= SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
        std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
        sqlite3_close(db_);
        db_ = nullptr;
        throw_store(path + ": cannot open database: " + msg);
    }
    sqlite3_busy_timeout(db_, 10000);
    sqlite3_extended_result_codes(db_, 1);
    sqlite3_create_function(db_, "money_sum", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr,
                            nullptr, money_sum_step, money_sum_final);
    if (mode != Mode::read_only) register_row_feed(db_);
}

void remove_database_files(const std::string& path) noexcept {
    try {
        for (const char* suffix : {"", "-wal", "-shm", "-journal"})
            ::unlink((path + suffix).c_str());
    } catch (...) {  // only the names' allocation can throw; nothing then to remove with
    }
}

void Database::advise_random_reads() {
    // SQLite keeps its file descriptor to itself; it is the descriptor of this process that
    // points at the database file. The advice belongs to that open file, so it must be this
    // descriptor, not a new one.
    for (const OpenDescriptor& d : open_descriptors_of(path_))
        posix_fadvise(d.fd, 0, 0, POSIX_FADV_RANDOM);
}

Database::~Database() {
    sqlite3_close_v2(db_);
}

void Database::fail(const std::string& what) const {
    throw_store(path_ + ": " + what + ": " + sqlite3_errmsg(db_));
}

void Database::exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
        std::string msg = err ? err : "error";
        sqlite3_free(err);
        throw_store(path_ + ": " + msg);
    }
}

Statement Database::prepare(std::string_view sql) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &st, nullptr) !=
        SQLITE_OK)
        fail("cannot prepare statement");
    return Statement(*this, st);
}

Statement& Statement::bind(int i, std::string_view v) {
    // An empty view may have a null data pointer, which SQLite would store as NULL, not ''.
    const char* p = v.data() ? v.data() : "";
    if (sqlite3_bind_text(st_, i, p, static_cast<int>(v.size()), SQLITE_TRANSIENT) != SQLITE_OK)
        db_->fail("bind");
    return *this;
}
Statement& Statement::bind_static(int i, std::string_view v) {
    const char* p = v.data() ? v.data() : "";
    if (sqlite3_bind_text(st_, i, p, static_cast<int>(v.size()), SQLITE_STATIC) != SQLITE_OK)
        db_->fail("bind");
    return *this;
}
Statement& Statement::bind(int i, int64_t v) {
    if (sqlite3_bind_int64(st_, i, v) != SQLITE_OK) db_->fail("bind");
    return *this;
}
Statement& Statement::bind_double(int i, double v) {
    if (sqlite3_bind_double(st_, i, v) != SQLITE_OK) db_->fail("bind");
    return *this;
}
Statement& Statement::bind_null(int i) {
    sqlite3_bind_null(st_, i);
    return *this;
}
Statement& Statement::bind_amount(int i, Amount v) {
    if (fits_int64(v)) return bind(i, static_cast<int64_t>(v));
    return bind(i, scaled_integer_string(v));
}

bool Statement::step() {
    int rc = sqlite3_step(st_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    db_->fail("query failed");
}

void Statement::reset() {
    sqlite3_reset(st_);
    sqlite3_clear_bindings(st_);
}

Statement& Statement::bind_blob(int i, std::string_view v) {
    if (sqlite3_bind_blob64(st_, i, v.data() ? v.data() : "", v.size(), SQLITE_TRANSIENT) !=
        SQLITE_OK)
        db_->fail("bind");
    return *this;
}

std::string Statement::column_blob(int i) const {
    const void* p = sqlite3_column_blob(st_, i);
    return p ? std::string(static_cast<const char*>(p),
                           static_cast<size_t>(sqlite3_column_bytes(st_, i)))
             : std::string();
}

std::string Statement::column_text(int i) const {
    const unsigned char* t = sqlite3_column_text(st_, i);
    return t ? std::string(reinterpret_cast<const char*>(t),
                           static_cast<size_t>(sqlite3_column_bytes(st_, i)))
             : std::string();
}

Amount Statement::column_amount(int i) const {
    switch (sqlite3_column_type(st_, i)) {
        case SQLITE_INTEGER:
            return sqlite3_column_int64(st_, i);
        case SQLITE_NULL:
            return 0;
        default: {
            Amount a = 0;
            if (!parse_scaled_integer(column_text(i), a))
                db_->fail("amount column holds non-integer text");
            return a;
        }
    }
}

Transaction::Transaction(Database& db) : db_(db) {
    db_.exec("BEGIN IMMEDIATE");
}
Transaction::~Transaction() {
    if (!done_) sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}
void Transaction::commit() {
    db_.exec("COMMIT");
    done_ = true;
}

}  // namespace curcrunch::store
