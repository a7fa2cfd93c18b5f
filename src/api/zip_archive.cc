#include "api/zip_archive.h"

#include <zip.h>

#include <memory>

namespace provisiond::api {
namespace {

struct SourceFree {
  void operator()(zip_source_t* s) const { zip_source_free(s); }
};
struct ZipDiscard {
  void operator()(zip_t* z) const { zip_discard(z); }
};

// Reads the finished archive back out of its memory source.
Result<std::string> ReadBack(zip_source_t* mem) {
  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_source_stat(mem, &st) != 0 || zip_source_open(mem) != 0) return Status::Internal("cannot read the archive back");
  std::string body(st.size, '\0');
  zip_int64_t n = zip_source_read(mem, body.data(), st.size);
  zip_source_close(mem);
  if (n < 0) return Status::Internal("cannot read the archive back");
  body.resize(static_cast<size_t>(n));
  return body;
}

}  // namespace

Result<std::string> MakeZip(const std::vector<ZipEntry>& entries, std::time_t mtime) {
  zip_error_t err;
  zip_error_init(&err);
  std::unique_ptr<zip_source_t, SourceFree> mem(zip_source_buffer_create(nullptr, 0, 0, &err));
  zip_error_fini(&err);
  if (!mem) return Status::Internal("cannot create the archive in memory");
  zip_source_keep(mem.get());  // the archive's close must not free it: it is read back after
  zip_error_init(&err);
  std::unique_ptr<zip_t, ZipDiscard> z(zip_open_from_source(mem.get(), ZIP_TRUNCATE, &err));
  zip_error_fini(&err);
  if (!z) return Status::Internal("cannot create the archive in memory");
  for (const auto& e : entries) {
    zip_source_t* src = zip_source_buffer(z.get(), e.contents.data(), e.contents.size(), 0);
    if (src == nullptr) return Status::Internal("cannot add " + e.name + " to the archive");
    zip_int64_t index = zip_file_add(z.get(), e.name.c_str(), src, ZIP_FL_OVERWRITE | ZIP_FL_ENC_UTF_8);
    if (index < 0) {
      zip_source_free(src);
      return Status::Internal("cannot add " + e.name + " to the archive");
    }
    if (zip_file_set_mtime(z.get(), static_cast<zip_uint64_t>(index), mtime, 0) != 0)
      return Status::Internal("cannot stamp " + e.name + " in the archive");
  }
  if (zip_close(z.get()) != 0) return Status::Internal("cannot write the archive");
  (void)z.release();  // closed: nothing left to discard
  return ReadBack(mem.get());
}

}  // namespace provisiond::api
