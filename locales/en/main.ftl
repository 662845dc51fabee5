site-name = Sala
skip-to-content = Skip to content
nav-main = Main menu
nav-home = Home
nav-login = Log in
nav-logout = Log out
nav-register = Sign up
nav-settings = Settings
footer-tagline = Sala — where communities of practice meet, and conversation becomes organisational knowledge
back-home = Back to the home page
save = Save
edit = Edit
delete = Delete
preview = Preview

month-short-1 = Jan
month-short-2 = Feb
month-short-3 = Mar
month-short-4 = Apr
month-short-5 = May
month-short-6 = Jun
month-short-7 = Jul
month-short-8 = Aug
month-short-9 = Sep
month-short-10 = Oct
month-short-11 = Nov
month-short-12 = Dec

home-title = Communities of practice
home-communities = Communities
home-no-communities = No communities yet
home-recent = Recent activity
no-threads = No threads yet
last-activity = last activity
count-members = { $count ->
    [one] 1 member
   *[other] { $count } members
}
count-threads = { $count ->
    [one] 1 thread
   *[other] { $count } threads
}
count-replies = { $count ->
    [one] 1 reply
   *[other] { $count } replies
}
count-question = { $count ->
    [one] 1 answer
   *[other] { $count } answers
}
count-experience = { $count ->
    [one] 1 comment
   *[other] { $count } comments
}

community-new = New community
community-edit = Edit community
community-private = Private
community-join = Join community
community-leave = Leave community
community-login-to-join = Log in to join
community-boards = Boards
community-no-boards = No boards yet
community-members = Members
community-all-members = All members
members-role = Role
members-joined = Joined
members-actions = Actions
members-appoint = Make facilitator
members-remove-facilitator = Remove as facilitator
members-appoint-other = Appoint a facilitator
role-admin = Admin
role-facilitator = Facilitator
role-member = Member

board-new = New board
board-edit = Edit board
board-join-to-post = Join the community to start threads and reply
board-login-to-post = Log in to start a thread

kind-question = Question
kind-experience = Experience
kind-question-help = Ask something you want to know; members answer
kind-experience-help = Share something that worked, or a lesson learned

thread-new = New thread
thread-post = Post thread
thread-posts = Posts in this thread
thread-pinned = Pinned
thread-locked = Locked
thread-lock = Lock thread
thread-unlock = Unlock thread
thread-pin = Pin
thread-unpin = Unpin
thread-locked-notice = This thread is locked: no more replies
thread-login-to-reply = Log in to reply
thread-continue = Continue this thread
thread-subtree-notice = You are viewing part of a thread.
thread-show-parent = Show the post above
thread-show-all = Show the whole thread

post-reply = Reply
post-edit = Edit post
post-edited = edited
post-history = Edit history
post-permalink = Permalink
post-deleted = This post was deleted
post-delete-confirm = Delete this post?
post-in-reply-to = In reply to the post above
reply-to = Reply to { $name }
revision-number = Revision { $number }
revision-source = Markdown source

pager-label = Pages
pager-prev = Previous
pager-next = Next
pager-position = Page { $page } of { $pages }

login-title = Log in
login-submit = Log in
login-no-account = No account yet?
register-title = Sign up
register-submit = Create account
register-have-account = Already have an account?

settings-title = Account settings
settings-avatar = Profile picture
settings-avatar-current = Your profile picture
settings-avatar-none = No picture yet: pages show your initials.
settings-avatar-choose = Choose a picture (it is cropped to a square)
settings-avatar-remove = Use my initials instead
error-avatar-not-picture = Choose a picture (JPG, PNG, GIF or WebP)
settings-language = Language
settings-password = Change password
settings-change-password = Change password
settings-password-changed = Password changed. Other devices where you were logged in must log in again.
settings-sessions = Logged-in devices
settings-logout-everywhere = Log out everywhere
settings-logout-everywhere-help = Use this if you forgot to log out on another computer, or suspect someone else is using your account.

profile-joined = Member since
profile-communities = Communities
profile-posts = Recent posts
profile-no-posts = No posts yet

field-login = Username or email
field-username = Username
field-display_name = Display name
field-email = Email
field-password = Password
field-current_password = Current password
field-new_password = New password
field-name = Name
field-slug = Short name for links
field-description = Description
field-is_public = Anyone can read it
field-position = Position
field-kind = Kind of thread
field-title = Title
field-body = Message
field-parent_id = Post replied to
field-lang = Language
hint-username = Lower-case letters, digits and . _ -, 3–32 characters
hint-password = At least 8 characters
hint-slug = Lower-case letters, digits and hyphens, used in links
hint-markdown = Markdown works: **bold**, *italic*, lists, tables, links
field-files = Attach files
attachments-heading = Attached files
mail-attached = Attached
file-kind-image = Picture
file-kind-pdf = PDF
file-kind-document = Document
file-kind-spreadsheet = Spreadsheet
file-kind-presentation = Presentation
file-kind-text = Text
file-kind-archive = ZIP archive
file-kind-file = File
hint-files = Pictures show in the post; other files are listed for download. Up to { $limit } MB each. You can also drag files onto the text, or paste a screenshot.
attach-uploading = Attaching { $name }…
attach-failed = Could not attach { $name }: { $reason }

error-not-found = The page you asked for does not exist
error-unauthenticated = Please log in first
error-forbidden = You are not allowed to do that
error-csrf = The form has expired or is not valid. Reload the page and try again.
error-invalid = Some fields are not valid
error-conflict = { $field } is already taken
error-thread-locked = This thread is locked: no more replies
error-bad-credentials = Wrong username or password
error-too-many-attempts = Too many failed attempts. Please wait { $minutes } minutes.
error-bad-request = The request is malformed
error-payload-too-large = What you sent is too large
error-file-too-large = The file is larger than { $limit } MB, the most one file may be
error-upload-quota = That would pass your upload allowance of { $limit } MB a day; try again tomorrow, or ask an admin
error-file-type = This kind of file cannot be attached. Pictures (JPG, PNG, GIF, WebP), PDF, Word, Excel, PowerPoint, plain text, CSV and ZIP files can, as the admin set
error-image-unreadable = The picture could not be read: it may be damaged, or too large
error-file-empty = The file is empty
error-file-missing = Choose a file to attach
error-fetch-refused = That address cannot be fetched
error-too-many-files = Attach at most 10 files at once
error-method-not-allowed = That method is not allowed here
error-unsupported-media-type = That content type is not supported
error-internal = Something went wrong on our side. Please try again.
error-required = Please fill in this field
error-too-long = Longer than { $limit } characters
error-password-too-short = The password must be at least { $limit } characters
error-username-format = Use lower-case letters, digits and . _ -, 3–32 characters
error-email-format = That is not a valid email address
error-slug-format = Use lower-case letters, digits and hyphens, 2–48 characters
error-invalid-choice = That is not one of the choices
error-no-such-user = There is no such user
error-parent-not-in-thread = The post you replied to is not in this thread
error-wrong-password = The current password is wrong

nav-knowledge = Knowledge
thread-resolved = Accepted answer
thread-ready = Ready to distill
thread-mark-ready = Mark ready to distill
thread-unmark-ready = Not ready to distill
thread-accepted-answer = Accepted answer
thread-accepted-in-place = see it in the thread
post-accepted = Accepted answer
post-accept = Accept as answer
post-unaccept = Clear accepted answer
profile-knowledge = Knowledge contributed to

knowledge-base = Knowledge base
knowledge-site-title = Knowledge across all communities
knowledge-community-title = Knowledge base of { $name }
knowledge-tag-title = Knowledge tagged #{ $tag }
knowledge-banner-label = Knowledge distilled from this thread
knowledge-banner = This discussion was distilled into:
knowledge-status-draft = Draft
knowledge-status-published = Published
knowledge-status-needs_review = Needs review
knowledge-status-archived = Archived
knowledge-distill = Distill into knowledge
knowledge-distill-lead = Sum this thread up as explicit knowledge, quote its sources and credit the people who shared it
knowledge-cite = Posts to cite
knowledge-no-replies = No replies to cite yet
knowledge-save-draft = Save as draft
knowledge-section-title = Title
knowledge-section-summary = Summary
knowledge-section-context = Context and problem
knowledge-section-solution = Solution and practice
knowledge-section-lessons = Lessons learned
knowledge-section-tags = Tags
knowledge-section-review_on = Review date
knowledge-tags = Tags
knowledge-revise = Revise
knowledge-suggest = Suggest an edit
knowledge-send-suggestion = Send suggestion
knowledge-revision = Revision { $number }
knowledge-last-reviewed = last reviewed
knowledge-review-on = next review
knowledge-helpful-count = { $count ->
    [one] 1 person found this helpful
   *[other] { $count } people found this helpful
}
knowledge-outdated-count = { $count ->
    [one] 1 outdated report
   *[other] { $count } outdated reports
}
knowledge-publish = Publish
knowledge-archive = Archive
knowledge-history = Revision history
knowledge-export = Export as Markdown
knowledge-sources = Sources
knowledge-original-post = original post
knowledge-contributors = Contributors
knowledge-role-author = shared
knowledge-role-distiller = distilled
knowledge-role-editor = edited
knowledge-from-thread = Distilled from the thread
knowledge-feedback = Was this useful?
knowledge-mark-helpful = Helpful
knowledge-outdated-why = What is out of date?
knowledge-mark-outdated = Report as outdated
knowledge-outdated-reports = Outdated reports
knowledge-pending-suggestions = Suggested edits waiting for a decision
knowledge-accept-suggestion = Accept
knowledge-decline-suggestion = Decline
knowledge-compare-from = From revision
knowledge-compare-to = to revision
knowledge-compare = Compare
knowledge-revision-author = Author
knowledge-current = current
knowledge-restore = Restore this revision
knowledge-restored-note = Restored revision { $number }
knowledge-diff-title = Revision { $from } compared with { $to }
knowledge-unchanged = unchanged
knowledge-sort = Sort by
knowledge-sort-recent = Most recent
knowledge-sort-helpful = Most helpful
knowledge-filter = Filter
knowledge-drafts = Drafts waiting to be published
knowledge-empty = No knowledge here yet
knowledge-review-queue = Review queue
knowledge-review-lead = Items reported as outdated or past their review date: confirm they still hold, or revise them
knowledge-next-review = Next review
knowledge-reconfirm = Still correct
knowledge-review-empty = Nothing waits for review
field-summary = Summary
field-review_on = Review date
field-note = Note on this change
field-reason = Reason
field-comment = Comment
hint-summary = At most 300 characters
hint-tags = Separated by commas, e.g. procurement, documents
hint-note = Say briefly what changed

error-not-a-question = Only a question can have an accepted answer
error-not-an-experience = Only an experience thread can be marked ready to distill
error-answer-not-a-reply = Choose a reply in this thread
error-answer-deleted = That reply was deleted
error-not-resolved = Only a resolved question, or an experience marked ready, can be distilled
error-too-many-tags = At most { $limit } tags
error-tag-too-long = A tag can be at most { $limit } characters
error-cite-not-in-thread = Cited posts must be in this thread
error-suggest-unpublished = Edits can be suggested for published knowledge only
error-suggestion-decided = That suggestion was already decided
error-feedback-unpublished = Feedback is for published knowledge only
error-review-date-past = The review date must be in the future
error-date-format = Not a valid date (YYYY-MM-DD)

digest-subject-daily = Daily digest from { $community }{ $others ->
    [0] {""}
    [one] {" "}and 1 more community
   *[other] {" "}and { $others } more communities
}
digest-subject-weekly = Weekly digest from { $community }{ $others ->
    [0] {""}
    [one] {" "}and 1 more community
   *[other] {" "}and { $others } more communities
}
digest-greeting = Hello { $name }, here is what is new in the communities you follow
digest-section-knowledge = Newly published knowledge
digest-section-resolved = Questions with an accepted answer
digest-section-new_threads = New threads
digest-section-active = Most active threads
digest-new-replies = { $count ->
    [one] 1 new reply
   *[other] { $count } new replies
}
digest-more = and { $count } more
digest-unsubscribe-one = Stop digests from { $community }
digest-unsubscribe-all = Stop this digest
digest-settings = Email settings
digest-footer = You get this email because you follow communities on Sala
subscription-title = Email digests
subscription-lead = Choose how often each community's digest comes
subscription-off = Never
subscription-daily = Daily
subscription-weekly = Weekly
subscription-none = Join a community first to choose its digest
unsubscribe-title = Stop email digests
unsubscribe-confirm = Stop digests from: { $communities }
unsubscribe-button = Unsubscribe
unsubscribe-done = Unsubscribed: you will get no more digests from these communities
admin-outbox-title = Email outbox
admin-files-title = Files by community
admin-files-total = All files together
admin-files-community = Community
admin-files-count = Files
admin-files-size = Space
admin-files-none = No files yet
admin-outbox-queued = Queued
admin-outbox-sending = Sending
admin-outbox-sent = Sent
admin-outbox-failed = Failed
field-frequency = Frequency
notify-subject-reply = { $name } replied to you in "{ $title }"
notify-subject-resolved = Your question "{ $title }" has an accepted answer
notify-body-reply = { $name } replied to your post in "{ $title }"
notify-body-resolved = { $name } accepted an answer to your question "{ $title }"
notify-footer = Change email notifications at
nav-notifications = Notifications
notifications-title = Notifications
notifications-empty = No notifications yet
notifications-unread = { $count } unread
settings-notifications = Notifications
settings-notify-replies = Email me when someone replies to my posts or mentions me
settings-notify-resolved = Email me when my question gets an accepted answer
admin-outbox-to = Recipient
admin-outbox-subject = Subject
admin-outbox-status = Status (attempts)
admin-outbox-error = Last error

## Search
search-title = Search
search-label = Search threads, replies and knowledge
search-placeholder = Search… (Thai or English)
search-button = Search
search-filters = Filters
search-community = Community
search-any-community = All communities
search-type = Type
search-any-type = Everything
search-type-thread = Thread
search-type-reply = Reply
search-type-knowledge = Knowledge item
search-author = Author
search-author-hint = username
search-from = From
search-to = To
search-resolved-only = Only with an accepted answer
search-empty-query = Type a word or phrase to search for: punctuation alone matches nothing.
search-no-results = Nothing matches “{ $query }”.
search-count = { $count ->
    [one] One result
   *[other] { $count } results
}
search-tips = Search tips
search-tip-thai = Thai words are found inside unspaced text: type just the word, e.g. หมึกพิมพ์.
search-tip-phrase = Put words in "double quotes" to find them side by side, in that order.
search-tip-filters = Narrow the results with the filters: community, type, author, dates, or resolved questions only.
search-count-more = More than { $count } results: the most relevant of the newest are shown. Add a word or a filter to narrow them.

# Hardening: limits, accounts and storage
error-control-characters = Contains control characters that are not allowed here
notify-subject-several = { $count } new notifications about "{ $title }"
notify-unsubscribe = Stop email notifications
unsubscribe-notifications-title = Stop email notifications
unsubscribe-notifications-confirm = Stop emails when someone replies to you or answers your question? They still appear under the bell.
unsubscribe-notifications-done = Done: no more notification emails. Turn them back on in your settings.
admin-outbox-cancelled = Cancelled
error-rate-limited = You are doing that too often. Please wait { $seconds } seconds and try again.
error-email-unconfirmed = Confirm your email address first: follow the link we sent you, or ask for a new one in your settings.
error-link-invalid = This link has expired or has been used already.
login-forgot = Forgot your password?
confirm-banner = Confirm your email address to start posting: we sent you a link.
confirm-resend = Send the link again
settings-password-reset = Your new password is set, and every other session of your account has ended.
settings-confirmation-sent = A new confirmation link is on its way to your email address.
profile-email-unconfirmed = Email address not confirmed yet.
profile-confirm-email = Confirm it without a link
welcome-title = Welcome to Sala
welcome-lead = Sala is where colleagues ask, share what they have learned from experience, and turn the best answers into knowledge anyone can find.
welcome-confirm = One more step: we sent a link to your email address. Follow it, and you can post.
welcome-join = Join the communities of practice for your work
welcome-read = Read the knowledge base
welcome-digests = Choose how often email digests come
confirm-title = Confirm your email address
confirm-lead = Confirm that this address belongs to your Sala account?
confirm-submit = Confirm
confirm-done = Thank you: your address is confirmed, and you can post now.
confirm-taken = Another account has already confirmed this address. Log in to that account, or reset its password.
forgot-title = Forgot your password
forgot-lead = Enter your account's email address, and we will send a link to set a new password. It works once, within an hour.
forgot-submit = Send the link
forgot-sent = If an account uses that address, a link to set a new password is on its way. It works once, within an hour.
reset-title = Set a new password
reset-lead = Choose a new password. Every other session of your account will end.
reset-submit = Set the password
reset-ask-again = Ask for a new link
account-mail-confirm-subject = Confirm your email address for Sala
account-mail-confirm-body = Hello { $username }, please confirm that this address is yours, so that you can post in Sala.
account-mail-confirm-link = Confirm my address
account-mail-exists-subject = Someone signed up to Sala with your address
account-mail-exists-body = Someone, perhaps you, signed up to Sala with this address, which already belongs to the account { $username }. If it was you, log in as { $username } at { $base_url }, or reset your password there. If not, you can ignore this email.
account-mail-exists-link = Sala
account-mail-reset-subject = Set a new password for Sala
account-mail-reset-body = Hello { $username }, follow this link to set a new password. It works once, within an hour. If you did not ask for it, ignore this email: your password stays as it is.
account-mail-reset-link = Set a new password
account-mail-footer = Sala sent this email because of a request made for your account.
error-storage-unavailable = Sala cannot save right now: its database is unavailable. Nothing was changed; please try again in a little while.

# Moderation
cancel = Cancel
flag-action = Flag
flag-title = Flag this post for the facilitators
flag-lead = The community's facilitators will look at it. Only they see who flagged it.
flag-reason = What is wrong with it?
flag-reason-spam = Spam or advertising
flag-reason-inappropriate = Inappropriate or offensive
flag-reason-wrong-advice = Wrong or dangerous advice
flag-reason-off-topic = Off-topic
flag-reason-other = Something else (say what below)
flag-note = Note for the facilitators
flag-note-hint = Optional, except for "something else".
flag-submit = Send the flag
flag-thanks = Thank you: the facilitators will review this post.
error-flag-already = You have already flagged this post; the facilitators will decide.
post-hidden = This post is hidden while the facilitators review it.
post-hidden-badge = Hidden
moderation-queue = Review queue
moderation-queue-site = Review queue of every community
moderation-in-reply-to = In reply to:
moderation-flags = { $count ->
    [one] One flag
   *[other] { $count } flags
}
moderation-reason = Reason (recorded in the audit log)
decision-keep = Keep
decision-hide = Hide
decision-restore = Show again
decision-delete = Delete
decision-lock = Lock the thread
moderation-author-actions = Warn or mute { $name }
moderation-warn-reason = Warning to send
moderation-warn = Send the warning
moderation-mute-reason = Why mute (shown to them)
moderation-suspend-reason = Why suspend (shown to them)
moderation-days = For how many days (blank: until lifted)
moderation-mute = Mute in this community
moderation-suspend = Suspend everywhere
moderation-queue-empty = Nothing waits for review.
moderation-mutes = Muted members
moderation-suspensions = Suspended accounts
moderation-until = until { $until }
moderation-until-lifted = until lifted
moderation-lift = Lift
moderation-none-in-force = None.
muted-until = A facilitator has paused your posting in this community until { $until }: { $reason }
muted-indefinitely = A facilitator has paused your posting in this community: { $reason }
error-muted = A facilitator has paused your posting in this community; the community page says why.
error-cannot-suspend = Admins, and you yourself, cannot be suspended or muted.
error-suspended = Your account is suspended: { $reason }
error-suspended-until = Your account is suspended until { $until }: { $reason }
error-new-member-limited = New accounts may post { $count } times an hour in their first days. You can post again in { $minutes } minutes.
notify-body-flag-upheld = The facilitators acted on a post you flagged in "{ $title }"
notify-body-flag-dismissed = The facilitators kept a post you flagged in "{ $title }"
notify-body-post-hidden = Your post in "{ $title }" is hidden while the facilitators review it
notify-body-warned = A facilitator sent you a warning about your post in "{ $title }"
audit-title = Audit log
audit-site = every community
audit-when = When
audit-who = Who
audit-what = What
audit-about = About
audit-why = Why
audit-sala = Sala
audit-target-thread = thread
audit-target-post = post
audit-target-knowledge = knowledge item
audit-older = Older entries
audit-empty = Nothing recorded yet.
audit-thread-lock = Locked a thread
audit-thread-unlock = Unlocked a thread
audit-thread-pin = Pinned a thread
audit-thread-unpin = Unpinned a thread
audit-thread-resolve = Accepted an answer
audit-thread-unresolve = Cleared an accepted answer
audit-thread-ready = Marked ready to distill
audit-thread-not-ready = Unmarked ready to distill
audit-post-delete = Deleted a post
audit-post-hide = Hid a post
audit-post-auto-hide = Hid a post after flags
audit-post-restore = Showed a hidden post again
audit-flag-keep = Kept a flagged post
audit-knowledge-distill = Distilled a knowledge item
audit-knowledge-publish = Published a knowledge item
audit-knowledge-archive = Archived a knowledge item
audit-knowledge-restore = Restored a knowledge revision
audit-facilitator-appoint = Appointed a facilitator
audit-facilitator-remove = Removed a facilitator
audit-community-privacy = Changed who may read the community
audit-user-warn = Warned a member
audit-user-mute = Muted a member
audit-user-suspend = Suspended an account
audit-suspension-lift = Lifted a suspension or mute

# Feeds
feed-link = Atom feed of this page
settings-feeds = Private feeds
settings-feeds-help = The feed links of private communities carry a secret key, so a feed reader can follow them. If a link got into the wrong hands, make a new key: the old links stop working.
settings-feeds-reset = Make a new feed key
settings-feeds-done = A new feed key is made: follow the feed links again to get the new ones.

# API reference (/api/docs)
api-docs-title = API reference
api-docs-intro = Everything Sala does on its pages, integrators can do through its JSON API. This reference is read off the API's OpenAPI 3.1 description, which client generators take as it is.
api-docs-download = The OpenAPI description (openapi.json)
api-docs-auth = Sign in with POST /api/v1/auth/login and send the token it returns as the header “Authorization: Bearer …”. Errors come as application/problem+json, in the language of Accept-Language.
api-docs-descriptions-english = The descriptions below are in English.
api-docs-operations = Operations
api-docs-schemas = Types
api-docs-signed-in = Sign-in required
api-docs-parameters = Parameters
api-docs-request-body = Body
api-docs-responses = Responses
api-docs-name = Name
api-docs-in = In
api-docs-type = Type
api-docs-required = Required
api-docs-description = Description
api-docs-status = Status
api-docs-list-of = list of
api-docs-or-null = or null
api-docs-one-of = one of
api-docs-includes = Also has the fields of
api-docs-in-path = path
api-docs-in-query = query
api-docs-errors = Errors (application/problem+json, type Problem):
footer-api = API for integrators

# Confirmations after a form (web::flash)
flash-registered = Welcome! Your account is ready.
flash-joined = You joined the community.
flash-left = You left the community.
flash-thread-posted = Your post is up. Colleagues will see it in the community.
flash-reply-posted = Your reply is posted.
flash-post-edited = Your changes are saved.
flash-settings-saved = Settings saved.
flash-answer-accepted = Marked as the accepted answer.
flash-item-published = The knowledge item is published.
flash-item-archived = The knowledge item is archived.
flash-distilled = A draft knowledge item is made from the thread. Check it, then publish.
flash-profile-saved = Your profile is saved.
flash-email-change-sent = We sent a link to your new address. Your address changes when you follow it.
welcome-continue = Continue where you were
welcome-ask = Ask your first question
field-default_kind = New posts here start as

# Asking (/ask)
nav-ask = Ask
ask-title = Ask or share
ask-where = Where to post
ask-confirm-first = Confirm your email address first (the link is in your inbox); then you can post.
ask-join-first = Join a community of practice first, then you can ask there.
ask-browse-communities = See the communities
community-ask = Ask in this community

# A question's replies are answers; an experience's, comments.
thread-reply-question = Your answer
thread-reply-experience = Your comment
post-submit-question = Post your answer
post-submit-experience = Post your comment
distill-queue-title = Waiting to be distilled
distill-queue-lead = Resolved questions and experiences marked ready that no knowledge item has been made from yet, longest waiting first.
distill-queue-accepted = answer accepted
distill-queue-ready = marked ready
distill-queue-empty = Nothing is waiting: every resolved thread has been distilled.
distill-already = This thread was already distilled into:
distill-already-hint = Revise that item instead, unless this thread holds a second, separate piece of knowledge.
date-input-placeholder = dd/mm/yyyy
search-ask-it = Ask it as a question
nav-menu = Menu
post-replying-to = Replying to { $name }
former-member = Former member
home-what = Sala is where staff ask colleagues, share what worked, and keep the best answers as knowledge anyone can find.
home-start-visitor = To start: sign up, join a community of your work, then ask your first question or search what is already known.
home-start-member = To start: join a community of your work, then ask a question or search what is already known.
home-knowledge = Recently published knowledge
home-knowledge-all = All knowledge
notify-body-answer-accepted = { $name } accepted your answer in "{ $title }"
notify-body-cited = Your post in "{ $title }" is quoted in newly published knowledge. Thank you for sharing.
settings-profile = Profile
field-unit = Unit
hint-unit = Your division, office or faculty, as colleagues know it. Reports by unit use it.
settings-email = Email address
settings-email-current = Mail goes to { $email }.
field-new_email = New address
hint-new-email = We send a link there; your address changes when you follow it.
settings-email-change = Change address
settings-data = Your data
settings-data-help = Download a copy of everything you wrote and chose here: profile, settings, communities and posts.
settings-data-download = Download my data (JSON)
settings-close = Close your account
settings-close-help = You can no longer sign in. What you wrote stays, shown as written by a former member; your name, username, address, unit and position are removed.
settings-close-confirm = Close your account for good? This cannot be undone.
settings-close-submit = Close my account
flash-email-changed = Your email address is changed.
flash-account-closed = Your account is closed. Thank you for sharing your knowledge.
error-email-unchanged = That is already your address
error-email-taken = Another account uses that address
error-admin-cannot-close = An admin account cannot be closed here: ask another admin to remove admin rights first
account-mail-change-email-subject = Confirm your new email address for Sala
account-mail-change-email-body = Hello { $username }, follow the link to make this your Sala address. If you did not ask for this, ignore this mail.
account-mail-change-email-link = Use this address
register-privacy = By signing up you agree to how Sala handles your data:
privacy-title = Privacy notice
privacy-lead = How Sala handles personal data, under Thailand's Personal Data Protection Act B.E. 2562 (PDPA).
privacy-what = What we keep: your username, display name, email address, unit and position; what you post; the communities you join; your settings; and, for security, sign-in records and the network address they came from.
privacy-why = Why: to run the communities of practice of your organisation, to turn discussions into its knowledge base with credit to the people who shared, to send the digests and notifications you asked for, and to keep the service secure.
privacy-who = Who sees it: the members of the communities you post in (everyone who may read a public community), the facilitators of your communities, and the site's administrators. Your email address is shown to no one.
privacy-rights = Your rights: see and download your data at any time (Settings, Your data), correct your profile, and close your account. Posts stay after closing, shown as written by a former member, because others' answers and the knowledge base build on them; ask an administrator to remove them.
privacy-contact = Questions: contact the administrators of this site at your organisation.
field-job-position = Position
knowledge-revised-at = Revised
flash-invited = The invitation is sent.
flash-members-changed = Members updated.
flash-invitation-declined = You declined the invitation.
members-invite = Invite people
members-invite-help = Invite a colleague by username, or by email address if they have no account yet. They answer from the bell or from the mailed link, within 14 days.
members-invite-who = Username or email address
members-invite-submit = Send the invitation
members-add-who = Or add a member directly, by username
members-add = Add member
members-remove = Remove
members-remove-confirm = Remove this member from the community?
members-pending = Invitations waiting for an answer
members-pending-until = open until
invitation-title = Invitation
invitation-lead = { $inviter } invites you to join the community "{ $community }".
invitation-accept = Accept and join
invitation-decline = Decline
invitation-waiting = Invitations waiting for your answer
account-mail-invitation-subject = { $inviter } invites you to "{ $community }" on Sala
account-mail-invitation-body = { $inviter } invites you to join the community of practice "{ $community }" on Sala. Follow the link to accept or decline (sign up first with this address if you have no account). The link works once, for 14 days.
account-mail-invitation-link = See the invitation
error-invite-whom = Give a username or an email address
error-already-member = Already a member of this community
error-already-invited = Already invited; the invitation is still open
error-invitation-used = This invitation was already answered
error-invitation-expired = This invitation has expired; ask a facilitator for a new one
error-local-login-off = Passwords are not used here: sign in with your organisation's account
error-signup-off = Accounts come from your organisation's sign-in; there is no sign-up here
error-account-deactivated = This account is deactivated. Ask an administrator if you need it back.
error-deactivate-self = You cannot deactivate your own account
login-local-off = Sign in with your organisation's account. Administrators created on the command line can use /login?local=1.
profile-deactivate = Deactivate account
profile-deactivate-confirm = Deactivate this account? Its sessions end at once and it cannot sign in.
profile-deactivated = Deactivated
profile-reactivate = Reactivate
error-sign-in-unavailable = The organisation's sign-in does not answer just now. Try again in a few minutes.
login-sso = Sign in with { $label }
flash-signed-in = You are signed in.
error-sign-in-refused = The sign-in did not go through (it was cancelled, expired or already used). Start again from the sign-in page.

## The "ask once" prompt: earlier answers while a question is typed
similar-heading = Already answered?
similar-hint = These answers may already cover your question. Open one to read it before you ask.
similar-knowledge = Knowledge
similar-resolved = Answered question
similar-did-it-answer = You came here from your question. Did this answer it?
similar-answered-me = Yes, this answered my question
similar-ask-anyway = No, ask my question
flash-spared-a-question = Glad it helped. Others will find this answer the same way.

## @mentions and muting
notify-subject-mention = { $name } mentioned you in "{ $title }"
notify-body-mention = { $name } mentioned you in "{ $title }"
settings-notify-mentions = Tell me when someone mentions me with @ (in the bell; by email with replies)
profile-mute = Mute
profile-unmute = Unmute
profile-mute-hint = You hear nothing of what this person does: no replies, mentions or answers in your notifications.
profile-muted = You muted this person.

## Tags on threads, tag pages, a community's tags
field-thread-tags = Tags (optional)
hint-thread-tags = Up to five, separated by commas: the same tags as the knowledge base.
tags-suggested = Tags used for such questions:
thread-tags = Tags
tag-page-title = Tag: { $tag }
tag-page-threads = Discussions
tag-page-knowledge = Knowledge
tag-page-empty = Nothing carries this tag yet.
community-tags = Tags
community-tags-lead = Every tag used in this community's threads and knowledge, most used first. Renaming a tag onto one that exists merges them.
community-tags-rename = Rename or merge
field-tag-from = Tag
field-tag-to = New name
count-tag-uses = { $count ->
    [one] used once
   *[other] used { $count } times
}
flash-tags-renamed = The tag is renamed everywhere in this community.

## Watching threads, boards, communities and tags
watch-start = Watch
watch-stop = Stop watching
watch-kind-thread = this thread
watch-kind-board = this board
watch-kind-community = this community
watch-kind-tag = this tag
watch-kind-all = everything you watch
watch-stop-title = Stop watching
watch-stop-confirm = Stop watching { $watched }? New activity there will no longer come to your notifications or digests.
watch-stop-done = You no longer watch { $watched }.
watches-title = What you watch
watches-lead = New threads where you watch, and new replies in threads you watch, come to your notifications and your next digest.
watches-empty = You watch nothing yet. Use the Watch button on a thread, a board, a community or a tag.
settings-watches = What you watch
digest-section-watched = In what you watch
digest-stop-watching = Stop watching
digest-subject-watched = New in what you watch
digest-watched-thread = New thread by { $name } in { $watched }
digest-watched-reply = { $name } replied
notify-body-watched-thread = { $name } started "{ $title }" where you watch
notify-body-watched-reply = { $name } replied in "{ $title }", which you watch

## Who knows what
experts-heading = People who know this
experts-none = Nobody yet: an accepted answer or a post quoted in knowledge puts a person here.
experts-declared = Say they know it:
expert-evidence-accepted_answer = accepted answer
expert-evidence-cited = quoted in knowledge
expert-evidence-helpful = found helpful
profile-topics = Knows about
profile-topics-declared = Says they know:
settings-topics = Topics you know
field-topics = Topics
hint-topics = Up to ten tags, separated by commas. Shown on your profile apart from what your answers show.

## Inviting people to answer a question
invited-to-answer = Invited to answer:
invite-to-answer = Invite someone to answer
invite-username = Username
invite-suggested = People who know this community:
invite-send = Invite
notify-subject-invited-to-answer = { $name } invites you to answer "{ $title }"
notify-body-invited-to-answer = { $name } invites you to answer "{ $title }"
notify-subject-invite-reminder = Still open: "{ $title }"
notify-body-invite-reminder = "{ $title }" still waits for an answer; { $name } invited you
error-invite-open-questions-only = Only an open question takes invitations.
error-invite-asker = The asker cannot be invited to their own question.
error-invite-cannot-read = This person cannot read this community.
error-invite-already = This person is already invited.
error-invite-too-many = At most { $limit } people can be invited to one question.

## Insights (KM figures, gaps)
error-out-of-range = Must be between 0 and { $limit }
error-period-order = The last day comes before the first
error-period-too-long = A report covers at most { $limit } days
knowledge-unverified = Unverified: this item is past its review date and nobody has confirmed it since. Check before relying on it.
knowledge-applied-heading = I applied this
knowledge-applied-minutes = Minutes it saved (optional)
knowledge-applied-story = How you used it (optional)
knowledge-applied-button = I applied this
notify-subject-review-due = Due for review: "{ $title }"
notify-body-review-due = Knowledge from "{ $title }" that you own is due for review: confirm, revise or archive it
insights-title = Insights
insights-site = whole site
insights-fiscal-year = Fiscal year
insights-quarter = Quarter
insights-whole-year = Whole year
insights-quarter-n = Quarter { $n }
insights-show = Show
insights-compared-with = compared with { $period }
insights-level-system = Use of the system
insights-level-system-help = Is Sala used: people active, threads, searches, knowledge read.
insights-level-output = Outputs
insights-level-output-help = What knowledge came of it: questions answered, knowledge distilled, published and reviewed.
insights-level-outcome = Outcomes
insights-level-outcome-help = Did work get better: knowledge applied, time saved, questions that did not need asking.
insights-col-level = Level
insights-col-figure = Figure
insights-col-this = This period
insights-col-previous = Period before
insights-col-change = Change
insights-col-query = Search
insights-col-count = Times
insights-col-title = Title
insights-col-link = Link
insights-col-asked = Asked
insights-col-replies = Replies
insights-col-review-on = Review date
insights-col-tag = Tag
insights-col-username = Username
insights-col-name = Name
insights-col-theirs = Theirs
insights-col-total = All
insights-col-holder = Held by
insights-col-share = Their share
insights-download-csv = Download CSV (Excel)
insights-charts = Month by month
insights-chart-questions = Questions asked per month
insights-chart-published = Knowledge published per month
insights-chart-applied = "I applied this" reports per month
insights-gaps = Gaps to work on
insights-gaps-help = The "identify" step: what people looked for and did not find, what waits for an answer, what needs review, and knowledge only one person holds.
insights-no-result-searches = Searches that found nothing
insights-unanswered = Questions without an accepted answer after { $days } days
insights-replies = { $count ->
    [one] 1 reply
   *[other] { $count } replies
}
insights-overdue = Knowledge past its review date
insights-at-risk = Knowledge at risk
insights-at-risk-help = Tags where one person gave most accepted answers or is the only one cited: pair a successor with them.
insights-none = Nothing here.
insights-figure-active_members = Active members
insights-figure-new_members = New members
insights-figure-threads = Threads started
insights-figure-replies = Replies
insights-figure-searches = Searches
insights-figure-knowledge_views = Knowledge read (people per day)
insights-figure-digests_sent = Digests delivered
insights-figure-questions_asked = Questions asked
insights-figure-questions_answered = Questions answered
insights-figure-answer_rate = Answer rate
insights-figure-median_hours_to_first_reply = Median hours to first reply
insights-figure-median_hours_to_accepted_answer = Median hours to accepted answer
insights-figure-knowledge_distilled = Knowledge items distilled
insights-figure-knowledge_published = Knowledge items published
insights-figure-knowledge_revised = Revisions of knowledge
insights-figure-knowledge_reviewed = Reviews done
insights-figure-reviews_on_time = Reviews done on time
insights-figure-applied_reports = "I applied this" reports
insights-figure-minutes_saved = Minutes saved (as reported)
insights-figure-stories = Stories of use
insights-figure-answered_by_knowledge = "This answered my question" on knowledge
insights-figure-questions_not_asked = Questions that did not need asking
insights-figure-helpful_feedback = Helpful verdicts
insights-figure-outdated_feedback = Outdated reports
recognition-title = Recognition
recognition-help = Points follow provenance: an accepted answer, a post quoted in published knowledge, and others applying that knowledge count far more than posting.
recognition-person = Person
recognition-points = Points
recognition-accepted = Accepted answers
recognition-cited = Quoted in knowledge
recognition-applied = Applied by others
recognition-replies = Replies
recognition-reviews = Reviews
recognition-badges = Badges
recognition-empty = No contributions recorded for this period yet.
badge-first_accepted_answer = First accepted answer
badge-knowledge_contributor = Knowledge contributor
badge-mentor = Mentor
badge-reviewer = Reviewer
badge-applied_ten = Applied ten times
certificate-link = certificate
certificate-title = Certificate of knowledge sharing
certificate-body = In recognition of the knowledge shared with colleagues in fiscal year { $fy } (1 October { $from } – 30 September { $to }).
certificate-print = Print this page from your browser's menu.
settings-hide-from-rankings = Keep me out of public rankings (my certificate still shows what I shared)
error-review-months = Between 1 and { $limit } months
community-review-months = Review knowledge every (months)
error-owner-not-member = Not a member of this community
knowledge-owner = Owner
knowledge-set-owner = Hand over
search-did-you-mean-lead = Did you mean
search-did-you-mean-end = ?
search-words-title = Search dictionary
search-words-lead = Words that search must keep whole (unit and project names, abbreviations), and words that mean the same, so a search for one finds the others. Every entry applies to all of Sala's text.
search-words-rebuilds = Updating the search index
search-words-rebuild-all = All text
search-words-rebuild-done = done ({ $count } documents)
search-words-rebuild-running = { $done } of { $total } documents
search-words-rebuild-refresh = Refresh to see the progress
search-words-add = Add to the dictionary
search-words-entries = Entries, one per line
search-words-entries-hint = A word on its own line stays whole. Words joined by = find each other, e.g. KM = การจัดการความรู้. Lines starting with # are skipped.
search-words-file = Or a dictionary file (.txt)
search-words-export = Download the dictionary as a text file
search-words-entries-title = { $count ->
    [one] One entry
   *[other] { $count } entries
}
search-words-kind = Kind
search-words-words = Words
search-words-kind-keep = Kept whole
search-words-kind-synonyms = Same meaning
search-words-remove = Remove
search-words-none = No entries yet.
flash-search-words-changed = The search dictionary is saved. Text holding the words is being indexed again.
error-search-word-space = A word kept whole has no spaces: add each word on its own line
error-search-word-empty = Has no letters or digits to search for
error-search-synonyms-count = A group holds two to { $limit } words
error-search-words-full = A dictionary holds at most { $limit } entries
error-search-words-file = The file could not be read as text (UTF-8, at most 1 MB)
