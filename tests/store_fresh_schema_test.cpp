// A new store is created from kFreshStoreSql (src/store/schema_fresh.cpp) instead of by every
// migration step in turn. These tests keep the two the same: the script a store built by the
// steps gives must be kFreshStoreSql, and a store created from it must give the same script.
//
// After a schema change, regenerate schema_fresh.cpp with this command (one line)
//   CURCRUNCH_WRITE_FRESH_SCHEMA=1 build/tests/curcrunch_tests
//   --gtest_filter=StoreSchema.FreshStoreSqlIsWhatTheStepsBuild
// then rebuild, and review the diff: it must show exactly the change the new step makes.
#include <gtest/gtest.h>

#include <cstdlib>

#include "curcrunch/store/schema.hpp"
#include "curcrunch/store/store.hpp"
#include "test_support.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace testsupport;

namespace {

std::vector<std::string> column_names(store::Database& db, const std::string& table) {
    std::vector<std::string> out;
    auto st = db.prepare("SELECT name FROM pragma_table_info(?) ORDER BY cid");
    st.bind(1, table);
    while (st.step())
        out.push_back(st.column_text(0));
    return out;
}

// The store as SQL that builds it: every schema object in the order SQLite holds them (the
// order they were made in, which is one that can be replayed), then every row as an INSERT, in
// a fixed order. SQLite's own objects are left out: sqlite_sequence is made with the first
// AUTOINCREMENT table (its rows are kept) and automatic indexes with their tables.
std::string store_script(store::Database& db) {
    std::string out;
    std::vector<std::string> tables;
    auto objects = db.prepare(
        "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE "
        "'sqlite\\_%' ESCAPE '\\' ORDER BY rowid");
    while (objects.step()) {
        out += objects.column_text(2) + ";\n";
        if (objects.column_text(0) == "table") tables.push_back(objects.column_text(1));
    }
    tables.push_back("sqlite_sequence");
    for (const std::string& t : tables) {
        const std::vector<std::string> cols = column_names(db, t);
        std::string values, order;
        for (size_t i = 0; i < cols.size(); ++i) {
            values += (i ? " || ',' || quote(\"" : "quote(\"") + cols[i] + "\")";
            order += (i ? ",\"" : "\"") + cols[i] + "\"";
        }
        auto rows = db.prepare("SELECT " + values + " FROM \"" + t + "\" ORDER BY " + order);
        while (rows.step())
            out += "INSERT INTO \"" + t + "\" VALUES(" + rows.column_text(0) + ");\n";
    }
    return out;
}

std::string fresh_schema_source(const std::string& script) {
    return "// GENERATED from a store built by every migration step in turn "
           "(store::migrate_by_steps);\n"
           "// do not edit. tests/store_fresh_schema_test.cpp checks it and says how to "
           "regenerate it.\n"
           "#include \"curcrunch/store/schema.hpp\"\n\n"
           "namespace curcrunch::store {\n\n"
           "const char* const kFreshStoreSql = R\"SQL(\n" +
           script +
           ")SQL\";\n\n"
           "}  // namespace curcrunch::store\n";
}

}  // namespace

TEST(StoreSchema, FreshStoreSqlIsWhatTheStepsBuild) {
    TempDir t;
    std::string script;
    {
        store::Database db(t / "steps.db", store::Database::Mode::read_write_create);
        store::migrate_by_steps(db);
        EXPECT_EQ(store::schema_version(db), store::kSchemaVersion);
        script = store_script(db);
    }
    // A few objects every version since 6 has, so that an empty script cannot pass.
    for (const char* object :
         {"CREATE TABLE meta", "CREATE TABLE \"cost_daily\"", "CREATE VIEW cost_daily_named",
          "CREATE INDEX ingest_source_path", "INSERT INTO \"meta\" VALUES('schema_version',"})
        EXPECT_NE(script.find(object), std::string::npos) << object;
    const std::string expected = "\n" + script;  // the raw string starts on its own line
    if (expected != store::kFreshStoreSql && std::getenv("CURCRUNCH_WRITE_FRESH_SCHEMA")) {
        write_file(std::string(CURCRUNCH_SOURCE_DIR) + "/src/store/schema_fresh.cpp",
                   fresh_schema_source(script));
        ADD_FAILURE() << "src/store/schema_fresh.cpp rewritten: rebuild and run again";
        return;
    }
    EXPECT_EQ(expected, store::kFreshStoreSql)
        << "kFreshStoreSql is not what the migration steps build: regenerate "
           "src/store/schema_fresh.cpp as tests/store_fresh_schema_test.cpp says";
}

TEST(StoreSchema, NewStoreFromFreshSqlEqualsOneBuiltByTheSteps) {
    TempDir t;
    std::string by_steps, fresh;
    {
        store::Database db(t / "steps.db", store::Database::Mode::read_write_create);
        store::migrate_by_steps(db);
        by_steps = store_script(db);
    }
    {
        // A new store: created from kFreshStoreSql (under a name of its own until something is
        // committed, so it is read through the Store's connection).
        auto created = store::Store::open(t / "new.db");
        EXPECT_EQ(store::schema_version(created->db()), store::kSchemaVersion);
        fresh = store_script(created->db());
    }
    EXPECT_EQ(fresh, by_steps);
}

}  // namespace CURCRUNCH_UNITY_ID
