// The configuration rows as the admin API's JSON (doc/admin_api.md): one
// writer and one reader per table, so every route and the OpenAPI schema
// agree on field names. Readers check types and sizes only; the store's
// write rules (store/write_rules.h) decide the values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/endpoint/json_writer.h"
#include "base/status.h"
#include "model/tables.h"

namespace boost::json {
class object;
}

namespace provisiond::api::admin {

using endpoint::JsonWriter;

// The row as JSON plus what the UI shows with it (read-only fields:
// source_kind, used_by, computers, position).
void WriteComputerRow(JsonWriter& w, const model::Computer& c);
void WriteAppRow(JsonWriter& w, const model::App& a, const model::Tables& t);
void WriteTypeRow(JsonWriter& w, std::string_view name, const model::Tables& t);
void WriteDriverRow(JsonWriter& w, const model::DriverRule& d, size_t position);
void WriteLocaleRow(JsonWriter& w, const model::Locale& l);

// A row from a request body. `base` is the stored row for an update (fields
// the body leaves out keep their value), the default row for a create.
// Unknown fields are refused naming them (a typo must not be dropped
// silently). "version" is read by ReadVersion, not here.
Result<model::Computer> ComputerFromJson(const boost::json::object& o, model::Computer base);
Result<model::App> AppFromJson(const boost::json::object& o, model::App base);
Result<model::DriverRule> DriverFromJson(const boost::json::object& o, model::DriverRule base);
Result<model::Locale> LocaleFromJson(const boost::json::object& o, model::Locale base);
// "applications": an array of app names.
Result<std::vector<std::string>> TypeAppsFromJson(const boost::json::object& o);

// "version": required positive integer (an update names what it was based on).
Result<uint64_t> ReadVersion(const boost::json::object& o);

// Types using app `name`, and computers of type `type` (at most `limit`
// serials; *total gets the count).
std::vector<std::string> TypesUsingApp(const model::Tables& t, std::string_view name);
std::vector<std::string> ComputersOfType(const model::Tables& t, std::string_view type, size_t limit,
                                         size_t* total);

}  // namespace provisiond::api::admin
