"""English LAs with their DfE codes and regions, and name parts, for the national-scale data set.

The demo's LAs (302 Barnet, 352 Manchester, 926 Norfolk) and its partner LA (935 Suffolk) are
left out, so the demo can be loaded beside the national data set.
"""

from tenancy.models import ChallengeArea, Region

L, NW, NE, Y, EM, WM, E, SE, SW = (
    Region.LONDON,
    Region.NORTH_WEST,
    Region.NORTH_EAST,
    Region.YORKSHIRE,
    Region.EAST_MIDLANDS,
    Region.WEST_MIDLANDS,
    Region.EAST,
    Region.SOUTH_EAST,
    Region.SOUTH_WEST,
)

# (code, name, region); Greater Manchester's LAs are 350–359, London's 201–320.
LAS = [
    ("201", "City of London", L), ("202", "Camden", L), ("203", "Greenwich", L), ("204", "Hackney", L),
    ("205", "Hammersmith and Fulham", L), ("206", "Islington", L), ("207", "Kensington and Chelsea", L),
    ("208", "Lambeth", L), ("209", "Lewisham", L), ("210", "Southwark", L), ("211", "Tower Hamlets", L),
    ("212", "Wandsworth", L), ("213", "Westminster", L), ("301", "Barking and Dagenham", L), ("303", "Bexley", L),
    ("304", "Brent", L), ("305", "Bromley", L), ("306", "Croydon", L), ("307", "Ealing", L), ("308", "Enfield", L),
    ("309", "Haringey", L), ("310", "Harrow", L), ("311", "Havering", L), ("312", "Hillingdon", L),
    ("313", "Hounslow", L), ("314", "Kingston upon Thames", L), ("315", "Merton", L), ("316", "Newham", L),
    ("317", "Redbridge", L), ("318", "Richmond upon Thames", L), ("319", "Sutton", L), ("320", "Waltham Forest", L),
    ("330", "Birmingham", WM), ("331", "Coventry", WM), ("332", "Dudley", WM), ("333", "Sandwell", WM),
    ("334", "Solihull", WM), ("335", "Walsall", WM), ("336", "Wolverhampton", WM), ("340", "Knowsley", NW),
    ("341", "Liverpool", NW), ("342", "St Helens", NW), ("343", "Sefton", NW), ("344", "Wirral", NW),
    ("350", "Bolton", NW), ("351", "Bury", NW), ("353", "Oldham", NW), ("354", "Rochdale", NW), ("355", "Salford", NW),
    ("356", "Stockport", NW), ("357", "Tameside", NW), ("358", "Trafford", NW), ("359", "Wigan", NW),
    ("370", "Barnsley", Y), ("371", "Doncaster", Y), ("372", "Rotherham", Y), ("373", "Sheffield", Y),
    ("380", "Bradford", Y), ("381", "Calderdale", Y), ("382", "Kirklees", Y), ("383", "Leeds", Y),
    ("384", "Wakefield", Y), ("390", "Gateshead", NE), ("391", "Newcastle upon Tyne", NE),
    ("392", "North Tyneside", NE), ("393", "South Tyneside", NE), ("394", "Sunderland", NE),
    ("800", "Bath and North East Somerset", SW), ("801", "Bristol, City of", SW), ("802", "North Somerset", SW),
    ("803", "South Gloucestershire", SW), ("805", "Hartlepool", NE), ("806", "Middlesbrough", NE),
    ("807", "Redcar and Cleveland", NE), ("808", "Stockton-on-Tees", NE), ("810", "Kingston upon Hull, City of", Y),
    ("811", "East Riding of Yorkshire", Y), ("812", "North East Lincolnshire", Y), ("813", "North Lincolnshire", Y),
    ("815", "North Yorkshire", Y), ("816", "York", Y), ("821", "Luton", E), ("822", "Bedford", E),
    ("823", "Central Bedfordshire", E), ("825", "Buckinghamshire", SE), ("826", "Milton Keynes", SE),
    ("830", "Derbyshire", EM), ("831", "Derby", EM), ("835", "Dorset", SW), ("836", "Poole", SW),
    ("837", "Bournemouth", SW), ("840", "County Durham", NE), ("841", "Darlington", NE), ("845", "East Sussex", SE),
    ("846", "Brighton and Hove", SE), ("850", "Hampshire", SE), ("851", "Portsmouth", SE), ("852", "Southampton", SE),
    ("855", "Leicestershire", EM), ("856", "Leicester", EM), ("857", "Rutland", EM), ("860", "Staffordshire", WM),
    ("861", "Stoke-on-Trent", WM), ("865", "Wiltshire", SW), ("866", "Swindon", SW), ("867", "Bracknell Forest", SE),
    ("868", "Windsor and Maidenhead", SE), ("869", "West Berkshire", SE), ("870", "Reading", SE), ("871", "Slough", SE),
    ("872", "Wokingham", SE), ("873", "Cambridgeshire", E), ("874", "Peterborough", E), ("876", "Halton", NW),
    ("877", "Warrington", NW), ("878", "Devon", SW), ("879", "Plymouth", SW), ("880", "Torbay", SW),
    ("881", "Essex", E),
    ("882", "Southend-on-Sea", E), ("883", "Thurrock", E), ("884", "Herefordshire", WM), ("885", "Worcestershire", WM),
    ("886", "Kent", SE), ("887", "Medway", SE), ("888", "Lancashire", NW), ("889", "Blackburn with Darwen", NW),
    ("890", "Blackpool", NW), ("891", "Nottinghamshire", EM), ("892", "Nottingham", EM), ("893", "Shropshire", WM),
    ("894", "Telford and Wrekin", WM), ("895", "Cheshire East", NW), ("896", "Cheshire West and Chester", NW),
    ("908", "Cornwall", SW), ("909", "Cumbria", NW), ("916", "Gloucestershire", SW), ("919", "Hertfordshire", E),
    ("921", "Isle of Wight", SE), ("925", "Lincolnshire", EM), ("928", "Northamptonshire", EM),
    ("929", "Northumberland", NE), ("931", "Oxfordshire", SE), ("933", "Somerset", SW), ("936", "Surrey", SE),
    ("937", "Warwickshire", WM), ("938", "West Sussex", SE), ("940", "North Northamptonshire", EM),
    ("941", "West Northamptonshire", EM), ("942", "Cumberland", NW), ("943", "Westmorland and Furness", NW),
    ("420", "Isles of Scilly", SW),
]  # fmt: skip

# The county of 600 schools of every phase.
COUNTY = "886"


def challenge_area(code: str) -> str:
    if "350" <= code <= "359":
        return ChallengeArea.GREATER_MANCHESTER
    if "201" <= code <= "320":
        return ChallengeArea.LONDON
    return ChallengeArea.NONE


FIRST_NAMES = (
    "Aisha Alan Alice Amir Angela Anil Anna Ben Bernadette Carl Catherine Chloe Claire Colin David Deborah Deepa "
    "Dylan Eleanor Emeka Emma Fatima Fiona Gareth Grace Hannah Harriet Ian Imran Isabel Jack James Janet Jasmine "
    "John Joseph Julia Kamal Karen Kevin Laura Leon Lucy Mark Marta Michael Nadia Naomi Neil Nicola Olivia Owen "
    "Patrick Paul Priya Rachel Rajesh Rebecca Richard Rosa Ruth Sam Sarah Simon Sophie Stephen Tariq Thomas Una "
    "Victoria William Yusuf Zara"
).split()
LAST_NAMES = (
    "Adams Ahmed Akhtar Allen Bailey Baker Banks Barker Begum Bennett Brown Campbell Carter Chapman Clarke Collins "
    "Cooper Davies Edwards Evans Fisher Fletcher Foster Green Hall Harris Hughes Hussain Jackson James Johnson Jones "
    "Kaur Kelly Khan King Knight Lee Lewis Marsh Martin Mason Mitchell Moore Morgan Murphy Nwosu Okafor Owen Palmer "
    "Parker Patel Phillips Price Quinn Reid Roberts Robinson Rogers Shah Singh Smith Stevens Taylor Thomas Thompson "
    "Turner Walker Ward Watson White Williams Wilson Wood Wright Young"
).split()
PLACE_WORDS = (
    "Abbey Ash Beacon Birch Bridge Brook Castle Cedar Chalk Church Cliff Downs Elm Field Forest Glebe Green Grove "
    "Hall Harbour Heath Hill Holly Lake Lane Manor Marsh Meadow Mill Moor Oak Orchard Park Priory Ridge River Rose "
    "Spring Stone Vale Valley Water Well Willow Wood"
).split()
SECONDARY_KINDS = (
    "High School",
    "Academy",
    "School",
    "Community College",
    "Church of England School",
    "Grammar School",
)
PRIMARY_KINDS = ("Primary School", "Primary Academy", "Infant School", "Junior School", "CofE Primary School")
