#include "store/bulk_stream.hpp"

#include <stdexcept>

namespace sangam::store {

Params BulkChunk::params(size_t row) const {
  Params p;
  p.reserve(width_);
  for (size_t c = 0; c < width_; ++c) {
    const Cell& x = cell(row, c);
    if (x.kind == Kind::null) p.emplace_back(nullptr);
    else if (x.kind == Kind::i64) p.emplace_back(x.i);
    else p.emplace_back(std::string(str(x)));
  }
  return p;
}

int64_t bulk_stream(Conn& c, std::string_view name, size_t width, const ChunkSource& next, size_t rows_hint) {
  if (auto* s = dynamic_cast<BulkStreaming*>(&c)) return s->bulk_stream(name, width, next, rows_hint);
  // A connection without a streaming path: Conn::bulk per chunk, in the same transaction.
  BulkChunk chunk(width);
  std::vector<Params> rows;
  int64_t n = 0;
  for (;;) {
    chunk.clear();
    if (!next(chunk)) break;
    if (!chunk.complete()) throw std::logic_error("bulk_stream: a chunk ended inside a row");
    rows.clear();
    for (size_t r = 0; r < chunk.rows(); ++r) rows.push_back(chunk.params(r));
    n += c.bulk(name, rows);
  }
  return n;
}

PipelinedChunks::PipelinedChunks(size_t width, ChunkSource produce, size_t depth)
    : produce_(std::move(produce)), width_(width), depth_(depth < 1 ? 1 : depth) {
  for (size_t i = 0; i < depth_; ++i) free_.emplace_back(width_);
  thread_ = std::thread([this] { run(); });
}

PipelinedChunks::~PipelinedChunks() {
  {
    std::lock_guard g(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void PipelinedChunks::run() {
  for (;;) {
    BulkChunk chunk;
    {
      std::unique_lock l(mu_);
      cv_.wait(l, [&] { return stop_ || !free_.empty(); });
      if (stop_) return;
      chunk = std::move(free_.back());
      free_.pop_back();
    }
    chunk.clear();
    bool more = false;
    try {
      more = produce_(chunk);
      if (more && !chunk.complete()) throw std::logic_error("bulk_stream: a chunk ended inside a row");
    } catch (...) {
      std::lock_guard g(mu_);
      error_ = std::current_exception();
      done_ = true;
      cv_.notify_all();
      return;
    }
    std::lock_guard g(mu_);
    if (!more) {
      done_ = true;
      cv_.notify_all();
      return;
    }
    ready_.push_back(std::move(chunk));
    cv_.notify_all();
  }
}

bool PipelinedChunks::operator()(BulkChunk& out) {
  std::unique_lock l(mu_);
  cv_.wait(l, [&] { return !ready_.empty() || done_; });
  if (ready_.empty()) {
    if (error_) std::rethrow_exception(error_);
    return false;
  }
  BulkChunk got = std::move(ready_.front());
  ready_.pop_front();
  std::swap(out, got);
  got.clear();
  free_.push_back(std::move(got));  // the consumer's old buffers, for the producer to refill
  cv_.notify_all();
  return true;
}

}  // namespace sangam::store
