"""Study group: a presenter runs a live room, learners answer from their own browsers.

Both roles live in ui/group/; the room logic in studykit/rooms/.
"""

from ui.core import ensure_router
from ui.group import group_page

ensure_router()
group_page()
