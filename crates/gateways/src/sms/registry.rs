//! The devices connected to this process, by device key and by socket id.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use alpha_sms_dispatch::{DeviceInfo, DeviceKey};
use chrono::{DateTime, Utc};
use socketioxide::extract::SocketRef;
use socketioxide::socket::Sid;

/// One registered socket.
struct Entry {
    sid: Sid,
    socket: SocketRef,
    region: String,
    last_seen: DateTime<Utc>,
    /// The per-device token hash the socket proved itself with; `None` for a claimed key.
    token_hash: Option<String>,
    /// False while a takeover is still retrying the old socket's in-flight messages: the key is
    /// reserved (no one else may claim it) but nothing is sent to the new socket yet, so a message
    /// sent in that window cannot be mistaken for one of the old socket's.
    active: bool,
}

/// What [`Registry::claim`] did.
pub(crate) enum Claim {
    /// The key was free; the socket now holds it (active).
    Added,
    /// The socket had already registered under this key (a repeated `sms:register`).
    Again,
    /// The socket had already registered under another key.
    OtherKey,
    /// Another socket holds the key and the newcomer may not replace it.
    Taken,
    /// Another socket held the key; it was replaced by this one (inactive until
    /// [`Registry::activate`]) and is returned so the caller can disconnect it.
    TookOver(SocketRef),
}

#[derive(Default)]
pub(crate) struct Registry {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    by_key: HashMap<DeviceKey, Entry>,
    by_sid: HashMap<Sid, DeviceKey>,
}

impl Registry {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves the maps consistent (every mutation is a few
        // infallible map operations), so a poisoned lock is still safe to use.
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Binds `key` to `socket`. `token_hash` is the per-device credential the socket proved:
    /// with one it may replace another socket holding the same key.
    pub(crate) fn claim(
        &self,
        key: &DeviceKey,
        socket: &SocketRef,
        region: &str,
        now: DateTime<Utc>,
        token_hash: Option<&str>,
    ) -> Claim {
        let may_take_over = token_hash.is_some();
        let mut inner = self.lock();
        if let Some(current) = inner.by_sid.get(&socket.id) {
            if current == key {
                if let Some(entry) = inner.by_key.get_mut(key) {
                    entry.last_seen = now;
                }
                return Claim::Again;
            }
            return Claim::OtherKey;
        }
        let new_entry = |active| Entry {
            sid: socket.id,
            socket: socket.clone(),
            region: region.to_owned(),
            last_seen: now,
            token_hash: token_hash.map(str::to_owned),
            active,
        };
        let outcome = match inner.by_key.get(key) {
            None => {
                inner.by_key.insert(key.clone(), new_entry(true));
                Claim::Added
            }
            Some(_) if !may_take_over => return Claim::Taken,
            Some(_) => match inner.by_key.insert(key.clone(), new_entry(false)) {
                Some(old) => {
                    inner.by_sid.remove(&old.sid);
                    Claim::TookOver(old.socket)
                }
                None => Claim::Added,
            },
        };
        inner.by_sid.insert(socket.id, key.clone());
        outcome
    }

    /// Makes a taken-over key usable for sending.
    pub(crate) fn activate(&self, sid: Sid) {
        let mut inner = self.lock();
        if let Some(key) = inner.by_sid.get(&sid).cloned()
            && let Some(entry) = inner.by_key.get_mut(&key)
        {
            entry.active = true;
        }
    }

    /// Forgets the socket; returns the key and region it held, if it held one.
    pub(crate) fn remove_socket(&self, sid: Sid) -> Option<(DeviceKey, String)> {
        let mut inner = self.lock();
        let key = inner.by_sid.remove(&sid)?;
        // The key is only ever bound to the socket recorded in `by_sid`, so this entry is ours.
        let entry = inner.by_key.remove(&key)?;
        Some((key, entry.region))
    }

    /// The key of a registered socket.
    pub(crate) fn key_of(&self, sid: Sid) -> Option<DeviceKey> {
        self.lock().by_sid.get(&sid).cloned()
    }

    /// Records that the socket was heard from; returns its key when it is registered.
    pub(crate) fn touch(&self, sid: Sid, now: DateTime<Utc>) -> Option<DeviceKey> {
        let mut inner = self.lock();
        let key = inner.by_sid.get(&sid).cloned()?;
        if let Some(entry) = inner.by_key.get_mut(&key) {
            entry.last_seen = now;
        }
        Some(key)
    }

    /// The socket to send to, when the device is registered and active.
    pub(crate) fn socket(&self, key: &DeviceKey) -> Option<SocketRef> {
        self.lock()
            .by_key
            .get(key)
            .filter(|e| e.active)
            .map(|e| e.socket.clone())
    }

    /// Every active registered socket.
    pub(crate) fn sockets(&self) -> Vec<SocketRef> {
        self.lock()
            .by_key
            .values()
            .filter(|e| e.active)
            .map(|e| e.socket.clone())
            .collect()
    }

    /// Sockets registered with a per-device token, with the hash they proved.
    pub(crate) fn token_sockets(&self) -> Vec<(DeviceKey, String, SocketRef)> {
        self.lock()
            .by_key
            .iter()
            .filter_map(|(key, e)| {
                let hash = e.token_hash.clone()?;
                Some((key.clone(), hash, e.socket.clone()))
            })
            .collect()
    }

    /// Every active registered device.
    pub(crate) fn devices(&self) -> Vec<DeviceInfo> {
        self.lock()
            .by_key
            .iter()
            .filter(|(_, e)| e.active)
            .map(|(key, e)| DeviceInfo {
                key: key.clone(),
                region: e.region.clone(),
                last_seen: e.last_seen,
            })
            .collect()
    }
}
