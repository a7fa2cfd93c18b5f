// Content-Type by file extension (case-insensitive). Pure.
#pragma once

#include <string_view>

namespace provisiond::api::content {

// "text/plain; charset=utf-8" for .ps1, "application/zip" for .zip, ...;
// "application/octet-stream" for anything unknown.
std::string_view ContentTypeFor(std::string_view file_name);

}  // namespace provisiond::api::content
