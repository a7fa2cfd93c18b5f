// Content-Type by file extension (case-insensitive). Pure.
#pragma once

#include <string>
#include <string_view>

namespace provisiond::api::content {

// "text/plain; charset=utf-8" for .ps1, "application/zip" for .zip, ...;
// "application/octet-stream" for anything unknown.
std::string_view ContentTypeFor(std::string_view file_name);

// True for types a browser may run script in when it renders them (.html,
// .htm, .xhtml, .svg, .xml, .xsl, .js, .mjs, ...): /file/raw serves those as
// downloads in a script-free sandbox, never as pages of the admin UI's origin.
bool IsActiveContent(std::string_view file_name);
// `attachment; filename="<ascii>"; filename*=UTF-8''<percent-encoded>` for
// Content-Disposition: quotes, backslashes and non-ASCII bytes are replaced
// by '_' in the plain form, kept exactly in the RFC 8187 one.
std::string AttachmentDisposition(std::string_view file_name);

}  // namespace provisiond::api::content
