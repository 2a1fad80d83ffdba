"""Study group: a presenter runs a live room, learners answer from their own browsers.

Both roles live in studykit/group_ui/; the room logic in studykit/rooms/.
"""

from studykit.group_ui import group_page
from studykit.ui import ensure_router

ensure_router()
group_page()
