"""Network pages: the partner directory and the MOUs of one city."""

from django.http import Http404
from django.shortcuts import render

from rianru.network import selectors
from rianru.network.forms import PartnerFilterForm
from rianru.network.http import city_page


@city_page
def partner_list(request):
    city = request.city
    form = PartnerFilterForm(request.GET)
    sector = form.sector_filter()
    context = {
        "form": form,
        "sector": sector,
        "partners": selectors.partner_directory(city=city, sector=sector),
        "sector_counts": selectors.partner_counts_with_labels(city=city),
    }
    return render(request, "network/partner_list.html", context)


@city_page
def mou_list(request):
    return render(request, "network/mou_list.html", {"mous": selectors.mou_list(city=request.city)})


@city_page
def mou_detail(request, slug: str):
    mou = selectors.mou_get(city=request.city, slug=slug)
    if mou is None:
        raise Http404(slug)
    context = {"mou": mou, "signatory_groups": selectors.mou_signatories_by_sector(mou=mou)}
    return render(request, "network/mou_detail.html", context)
