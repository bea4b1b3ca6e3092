"""Quirks of the XML files written by the Android app "SMS Backup & Restore" (SyncTech).

The app writes `calls-*.xml` (root `<calls>`, one `<call>` per entry) and `sms-*.xml` (root
`<smses>`, `<sms>` and `<mms>` entries). Both files share the same faults, handled here once:

- `charrefs`: emoji written as UTF-16 surrogate character references (`&#55357;&#56832;`),
  which XML forbids, and raw control characters.
- `stream`: streaming the records with their line numbers, and going on after a record that
  is not well-formed XML.
- `numbers`: withheld and unknown numbers (`-1`, `-2`, `-3`, empty) and the `presentation`
  codes, so that they never become a phone number.
- `fields`: the app's value conventions (epoch milliseconds, the string `null`,
  `(Unknown)` as a contact name) and building items without raising.
"""
