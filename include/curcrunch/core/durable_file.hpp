#pragma once
// Files that must still be there after a crash once curcrunch has said they exist: a report or
// an invoice the store records as issued (with its digest), a fetched export or document whose
// digest the store records, a new store or a shard store under its final name.
//
// Written and renamed into place, a file is not yet on the disk: ext4 and XFS allocate its blocks
// when the page cache writes them back, seconds later, so a crash after the rename can leave the
// name on a file of zero bytes; and the rename is a change to the folder, which is synced apart
// from the file. So every such file is written under a temporary name, synced (sync_file), and
// only then renamed (rename_durably: the rename, then the folder's sync). Where a record in the
// store must not point at a file that is not there, the store's commit comes between the two.
//
// Errors: a sync that fails means the bytes may not be on the disk (EIO, ENOSPC on a thin or
// network file system): an Error of kind internal naming the file. A folder whose file system
// cannot sync folders (EINVAL: some FUSE and network file systems) is not an error; there the
// file system decides when names persist.
#include <string>
#include <vector>

namespace curcrunch {

// Syncs the bytes written to `path`, by whichever descriptor wrote them (a sync reaches the file,
// not a descriptor; an error in writing them back that nobody has seen is reported to it).
void sync_file(const std::string& path);
// Syncs each of `paths`, several at a time (a billing run's hundreds of files): a sync waits on
// the disk, not on a core, and the file system commits syncs that wait together at once. The
// first error is thrown once every sync has returned.
void sync_files(const std::vector<std::string>& paths);
// Syncs the folder that holds `path`, so that a name created or renamed there persists.
void sync_folder_of(const std::string& path);
// The same, for a caller that cannot throw: 0, or the errno of the sync that failed.
int sync_folder_of_noexcept(const std::string& path) noexcept;
// Renames `from` (already synced) to `to` and syncs the folder of `to` (and of `from`, when it
// is another).
void rename_durably(const std::string& from, const std::string& to);

}  // namespace curcrunch
