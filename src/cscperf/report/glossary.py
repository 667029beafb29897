"""The glossary annex: every term of the trade the report uses, in plain English, so that no jargon goes
unexplained."""

from __future__ import annotations

GLOSSARY: tuple[tuple[str, str], ...] = (
    ("Agency social worker", "A social worker supplied by an agency rather than employed by the council, often to "
     "cover a vacancy or an absence such as maternity leave."),
    ("Backtest", "A check of a forecast: the same method run from a date in the past and set against what then "
     "happened, beside the simplest forecasts (no change; a straight-line trend)."),
    ("Care leaver", "A young person aged 16 to 25 who was looked after by the council for at least 13 weeks after "
     "their 14th birthday."),
    ("CIN (child in need)", "A child whose health or development is likely to suffer without services from the "
     "council (section 17 of the Children Act 1989). A CIN plan sets out the help the family gets."),
    ("CLA (child looked after, child in care)", "A child in the care of the council, under a care order or "
     "accommodated with the parents' agreement (section 20). Children only in a series of short breaks are not "
     "counted, as in DfE figures."),
    ("Contact", "An enquiry about a child to the council's front door, from a professional, a family member or "
     "the public. Some become referrals."),
    ("CP (child protection) plan", "A plan agreed at a child protection conference for a child at risk of "
     "significant harm, with visits and review conferences until the risk is reduced."),
    ("Early help", "Support for a family before problems need statutory social care, often led by schools, "
     "health visitors or family workers. An early help assessment identifies what help is needed."),
    ("England, region and statistical neighbours", "The published figures for England, for our government office "
     "region and for the councils most like ours, used to judge our figures. They are for the latest year "
     "published, which is named beside them."),
    ("Fan chart", "A chart of a forecast: the central line with shaded bands around it, the darker holding the "
     "outcome 8 times in 10 (the 80% range) and the lighter 19 times in 20 (the 95% range). The bands widen the "
     "further ahead they look."),
    ("FTE (full-time equivalent)", "Staff counted by hours: two half-time workers are one FTE."),
    ("ICPC (initial child protection conference)", "The first meeting of professionals and family after a section 47 "
     "enquiry, which decides whether a child needs a child protection plan. It should be held within 15 working "
     "days of the strategy discussion that started the enquiry."),
    ("IRO (independent reviewing officer)", "The officer who chairs reviews of a looked-after child's care plan."),
    ("LAIT (LA Interactive Tool)", "The DfE's published tool that brings together councils' figures; its averages "
     "of statistical neighbours are the ones quoted in this report."),
    ("Percentage points", "The difference between two percentages: from 90% to 93% is 3 percentage points (not "
     "3%). The report shortens this to \"points\"."),
    ("PEP (Personal Education Plan)", "The part of a looked-after child's care plan about their education, reviewed "
     "each school term with the virtual school."),
    ("Placement stability", "Whether children in care stay with the same carers: the share with 3 or more placements "
     "in a year (lower is better) and the share of children in care for 2.5 years or more who have lived with the "
     "same carer for 2 years (higher is better)."),
    ("Quartile (A to D)", "Where our figure sits among all councils in England: A is the best quarter and D the "
     "worst, for measures where a direction is better; for context measures, A holds the lowest figures."),
    ("Rate per 10,000 children", "A count divided by the number of children aged 0 to 17 living in the area (the "
     "ONS mid-year estimate) and multiplied by 10,000, so councils of different sizes can be compared."),
    ("Reference period", "The recent months whose patterns (children coming into care, moving and leaving) a "
     "forecast assumes will continue; by default the last 24 months."),
    ("Referral", "A contact accepted by children's social care for a decision on whether to assess the child's "
     "needs."),
    ("Re-referral", "A referral about a child who had another referral in the 12 months before. Too many can mean "
     "cases were closed too soon; too few can mean the front door is too cautious."),
    ("Regulation 28 visit", "A statutory visit by a social worker to a child in care: within a week of a new "
     "placement, then at least every six weeks (every three months in a long-term placement after its first year) "
     "(Care Planning, Placement and Case Review (England) Regulations 2010)."),
    ("Series break", "A change in how a measure is counted, such as a new front door or a case-recording system "
     "upgrade. The mean and process limits start afresh from it, and months either side of it are not compared."),
    ("Second or subsequent plan", "A child protection plan for a child who has had a plan before (at any time, "
     "in any council). A high share can mean plans ended before the risk was reduced."),
    ("Section 47 (s47) enquiry", "An investigation by the council, with the police and others, when there is "
     "reasonable cause to suspect a child is suffering, or likely to suffer, significant harm (section 47 of the "
     "Children Act 1989)."),
    ("Section 251 outturn", "What councils report to the DfE they spent, by service; divided by the children or "
     "days of care, it gives the published weekly unit costs the forecast uses by default."),
    ("Single (child and family) assessment", "The social work assessment of a child's needs after a referral, to be "
     "completed within 45 working days."),
    ("Statuses, targets and signals", "Explained in Appendix 2: the blue, green, amber and red statuses; local, "
     "stretch and national targets, target bands and tolerance; the mean and process limits; common cause "
     "variation (noise) and special cause variation (a signal); and the variation and assurance symbols."),
    ("Statistical neighbours", "The ten councils the DfE judges most like ours in population and circumstances. We "
     "quote their average (mean) unless the report says median."),
    ("Working day", "A weekday that is not a bank holiday in England and Wales. Timescales count the start date as "
     "day 0."),
)  # fmt: skip
