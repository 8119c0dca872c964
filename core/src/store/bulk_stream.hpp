#pragma once
// A streaming form of Conn::bulk (the campaign planner's 1M outbox rows, issue 8): rows arrive chunk
// by chunk from a producer instead of as one std::vector<Params>. Building 1M Params up front cost
// ~10 % of the launch's CPU in malloc/free (15 variants and 3-4 std::strings a row) and 1.3 GB of
// RSS; a chunk is a flat array of cells over one reused text arena, bound straight from it
// (SQLite: sqlite3_bind_* with SQLITE_STATIC; PostgreSQL: one COPY stream fed as chunks come).
// The old Conn::bulk stays for its other callers (contacts import, event log).
#include "store/db.hpp"

#include <condition_variable>
#include <deque>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace sangam::store {

// `width` cells per row, appended left to right; text lives in arena() and cells point into it by
// offset (the arena may grow while the chunk fills).
class BulkChunk {
 public:
  enum class Kind : uint8_t { null, i64, text };
  struct Cell {
    Kind kind = Kind::null;
    int64_t i = 0;
    uint32_t off = 0, len = 0;  // text: arena()[off, off + len)
  };
  explicit BulkChunk(size_t width = 0) : width_(width) {}

  size_t width() const { return width_; }
  size_t rows() const { return width_ ? cells_.size() / width_ : 0; }
  bool complete() const { return width_ && cells_.size() % width_ == 0; }
  void clear() { cells_.clear(), arena_.clear(); }

  void null() { cells_.push_back({}); }
  void i64(int64_t v) { cells_.push_back({Kind::i64, v, 0, 0}); }
  void opt_i64(int64_t v) { v ? i64(v) : null(); }  // 0: NULL (ids start at 1)
  void text(std::string_view s) {
    size_t at = arena_.size();
    arena_.append(s);
    text_since(at);
  }
  // Text written in place: note arena().size(), append to arena(), then text_since(that size).
  std::string& arena() { return arena_; }
  void text_since(size_t start) {
    cells_.push_back({Kind::text, 0, static_cast<uint32_t>(start), static_cast<uint32_t>(arena_.size() - start)});
  }

  const Cell& cell(size_t row, size_t col) const { return cells_[row * width_ + col]; }
  std::string_view str(const Cell& c) const { return std::string_view(arena_).substr(c.off, c.len); }
  // The row as Params (the fallback for a connection without a streaming path, and tests).
  Params params(size_t row) const;

 private:
  size_t width_;
  std::vector<Cell> cells_;
  std::string arena_;
};

// Fills the chunk it is given (cleared, of the stream's width) with one or more rows and returns
// true, or returns false when there are no more rows. An exception ends the stream: it propagates
// out of bulk_stream(), and the caller's transaction rolls everything back.
using ChunkSource = std::function<bool(BulkChunk&)>;

// Every row `next` produces through the named bulk statement (as Conn::bulk: a COPY … FROM STDIN on
// PostgreSQL, an INSERT with $1…$width on SQLite), inside the caller's transaction. `rows_hint`: the
// expected number of rows (SQLite sizes its page cache for a big write from it; 0 when unknown).
// Returns the number of rows written.
int64_t bulk_stream(Conn& c, std::string_view name, size_t width, const ChunkSource& next, size_t rows_hint = 0);

// What a connection with its own streaming path implements (both backends do); bulk_stream() falls
// back to Conn::bulk per chunk for any other Conn.
class BulkStreaming {
 public:
  virtual int64_t bulk_stream(std::string_view name, size_t width, const ChunkSource& next, size_t rows_hint) = 0;

 protected:
  ~BulkStreaming() = default;
};

// Runs `produce` on a second thread, `depth` chunks ahead of the consumer (a bounded queue): the
// planner renders chunk k+1 while the store writes chunk k, so the launch takes ~max(render, insert)
// rather than their sum. Only `produce` runs on that thread: it must not touch a Conn (a Conn is not
// thread-safe). Call it as a ChunkSource (it swaps a ready chunk into the one it is given, so the
// buffers are reused, not copied). An exception in `produce` is rethrown to the consumer; destroying
// it stops the producer after its current chunk and joins it.
class PipelinedChunks {
 public:
  PipelinedChunks(size_t width, ChunkSource produce, size_t depth = 3);
  ~PipelinedChunks();
  PipelinedChunks(const PipelinedChunks&) = delete;
  PipelinedChunks& operator=(const PipelinedChunks&) = delete;

  bool operator()(BulkChunk& out);
  ChunkSource source() {
    return [this](BulkChunk& out) { return (*this)(out); };
  }

 private:
  void run();

  ChunkSource produce_;
  size_t width_, depth_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<BulkChunk> ready_;  // in the producer's order
  std::vector<BulkChunk> free_;
  bool done_ = false, stop_ = false;
  std::exception_ptr error_;
  std::thread thread_;
};

}  // namespace sangam::store
