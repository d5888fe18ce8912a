// FakeResolver (see fake_resolver.h): thin, mutex-guarded front of a RecordStore.
// Record texts are normalised the way real resolvers deliver them (target names
// lowercase without trailing dot; TXT strings joined), so checks see the same values
// from the fake as from unbound. Answers synchronously through ReadyPending.
#include "dns/fake_resolver.h"

#include <memory>

#include "dns/names.h"

namespace vouch::dns {

namespace {
Record nameRecord(std::string_view target) {
  Record r;
  r.text = normalizeName(target);
  return r;
}
}  // namespace

void FakeResolver::add(std::string_view name, RrType type, Record record) {
  std::lock_guard lock(mutex_);
  store_.add(name, type, std::move(record));
}

void FakeResolver::addTxt(std::string_view name, std::string text) {
  std::vector<std::string> strings;
  strings.push_back(std::move(text));
  addTxt(name, std::move(strings));
}

void FakeResolver::addTxt(std::string_view name, std::vector<std::string> strings) {
  Record r;
  for (const auto& s : strings) {
    r.text += s;
  }
  r.strings = std::move(strings);
  add(name, RrType::TXT, std::move(r));
}

void FakeResolver::addSpf(std::string_view name, std::string text) {
  Record r;
  r.text = text;
  r.strings.push_back(std::move(text));
  add(name, RrType::SPF, std::move(r));
}

void FakeResolver::addA(std::string_view name, std::string address) {
  Record r;
  r.text = std::move(address);
  add(name, RrType::A, std::move(r));
}

void FakeResolver::addAaaa(std::string_view name, std::string address) {
  Record r;
  r.text = std::move(address);
  add(name, RrType::AAAA, std::move(r));
}

void FakeResolver::addMx(std::string_view name, std::uint16_t preference,
                         std::string_view exchange) {
  Record r = nameRecord(exchange);
  r.preference = preference;
  add(name, RrType::MX, std::move(r));
}

void FakeResolver::addPtr(std::string_view name, std::string_view target) {
  add(name, RrType::PTR, nameRecord(target));
}

void FakeResolver::addCname(std::string_view name, std::string_view target) {
  add(name, RrType::CNAME, nameRecord(target));
}

void FakeResolver::setStatus(std::string_view name, RrType type, Status status) {
  std::lock_guard lock(mutex_);
  store_.setStatus(name, type, status);
}

void FakeResolver::failName(std::string_view name, Status status) {
  std::lock_guard lock(mutex_);
  store_.failName(name, status);
}

Answer FakeResolver::answer(std::string_view name, RrType type) {
  log_.record(name, type);
  std::lock_guard lock(mutex_);
  return store_.lookup(name, type);
}

PendingPtr FakeResolver::start(std::string_view name, RrType type) {
  return std::make_shared<ReadyPending>(answer(name, type));
}

}  // namespace vouch::dns
