"""The KS3 National Strategy core-training programme of 2004–05 and the six questions.

The courses as the guidance for senior leaders lists them, and the six questions senior leaders
answer with subject leaders about each course.

An LA copies the programme into its academic year as a starting point (services.programme_copy).
"""

from decimal import Decimal

FULL_DAY = Decimal("1.0")
HALF_DAY = Decimal("0.5")

# (subject, title, part or None, length in days), in the guidance's order.
CORE_PROGRAMME_2004_05 = [
    ("english", "Improving writing", 3, FULL_DAY),
    ("english", "How to get more pupils from level 3 to level 5 in English", 1, HALF_DAY),
    ("english", "Increasing pupils’ rates of progress in English", None, FULL_DAY),
    ("english", "How to get more pupils from level 3 to level 5 in English", 2, HALF_DAY),
    ("mathematics", "Interacting with mathematics at Key Stage 3", None, FULL_DAY),
    ("mathematics", "How to get more pupils from level 3 to level 5 in mathematics", 1, HALF_DAY),
    ("mathematics", "Increasing pupils’ rates of progress in mathematics", None, FULL_DAY),
    ("mathematics", "How to get more pupils from level 3 to level 5 in mathematics", 2, HALF_DAY),
    ("science", "How to get more pupils to level 5 in science", 1, HALF_DAY),
    ("science", "Increasing pupils’ rates of progress in science", None, FULL_DAY),
    ("science", "How to get more pupils to level 5 in science", 2, HALF_DAY),
    ("ict", "Increasing pupils’ rates of progress in ICT", None, FULL_DAY),
    ("ict", "Preparing Year 9 pupils for ICT assessment, including tests", 1, HALF_DAY),
    ("ict", "Preparing Year 9 pupils for ICT assessment, including tests", 2, HALF_DAY),
    ("behaviour-attendance", "Effective monitoring and evaluation of behaviour and attendance", None, FULL_DAY),
    ("behaviour-attendance", "How to teach social and emotional behaviour skills in secondary schools", None, FULL_DAY),
    ("afl", "Whole-school development of Assessment for learning", None, FULL_DAY),
]

# "Points for senior leaders to consider with subject leaders", verbatim: (answer field, question).
SENIOR_LEADER_QUESTIONS = [
    ("who_attends", "Who will attend each core training session?"),
    ("pre_course_work", "When will they undertake the pre-course work and what is needed?"),
    ("follow_up", "Is the follow-up work appropriately incorporated into Key Stage 3 planning?"),
    ("resources_support", "What resources and support will you, as senior leaders, need to provide?"),
    ("expected_improvements", "What improvements in teaching and learning will you expect?"),
    ("monitoring", "How will progress be monitored and improvements evaluated?"),
]
