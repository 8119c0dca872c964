// Names for the simulated world: the seed's three projects and their audiences (Tamil Nadu heavy).

export const FIRST_NAMES = [
    'Murugan', 'Senthil', 'Karthik', 'Lakshmi', 'Priya', 'Ramesh', 'Suresh', 'Anand', 'Vijay', 'Meena',
    'Kavitha', 'Arun', 'Bala', 'Ganesh', 'Saravanan', 'Selvi', 'Divya', 'Prakash', 'Rajesh', 'Mohan',
    'Deepa', 'Revathi', 'Shankar', 'Venkatesh', 'Harini', 'Dinesh', 'Gopal', 'Jaya', 'Kumar', 'Lalitha',
    'Manoj', 'Nandhini', 'Pandian', 'Raja', 'Sathya', 'Thangaraj', 'Uma', 'Velu', 'Yamuna', 'Ilango',
    'Kannan', 'Malar', 'Palani', 'Sundar', 'Geetha', 'Ashok', 'Farida', 'Imran', 'Joseph', 'Mary',
];
export const LAST_NAMES = [
    'K', 'S', 'R', 'M', 'P', 'Kumar', 'Raj', 'Pillai', 'Iyer', 'Nadar', 'Gounder', 'Chettiar', 'Reddy',
    'Naidu', 'Mudaliar', 'Thevar', 'Shetty', 'Rao', 'Khan', 'Fernandes',
];

export interface ProjectWorld {
    project: string;
    owner: string;
    community: string;
    channel: string;
    groups: string[];
    replies: string[];
}

export const PROJECTS: Record<string, ProjectWorld> = {
    PoultryCare: {
        project: 'PoultryCare', owner: 'PoultryCare Support', community: 'PoultryCare Farmers Community',
        channel: 'PoultryCare Tips',
        groups: ['TN Broiler Farmers', 'South India Poultry', 'Namakkal Layer Farmers', 'Erode Poultry Network',
            'Coimbatore Broiler Traders', 'Salem Country Chicken Farmers', 'Poultry Feed & Medicine Updates',
            'Tamil Nadu Hatchery Owners', 'Pollachi Poultry Farmers', 'Karnataka Poultry Traders', 'Andhra Broiler Integrators'],
        replies: ['What is the price?', 'Rate for 1000 chicks?', 'Is it available in Namakkal?', 'Send details please',
            'Vaccine schedule enna?', 'Interested', 'Delivery to Palladam possible?', 'Thank you sir', 'Feed price kammi pannunga'],
    },
    Restopi: {
        project: 'Restopi', owner: 'Restopi', community: 'Restopi Restaurant Partners', channel: 'Restopi Updates',
        groups: ['Chennai Restaurant Owners', 'Cloud Kitchen Network', 'Bangalore Food Entrepreneurs',
            'Madurai Hotel Owners Association', 'Coimbatore Cafe Owners', 'Hyderabad Biryani Restaurants',
            'South Indian Tiffin Centres', 'QSR Franchise Owners India', 'Trichy Mess & Hotels', 'Kerala Hotel & Bakery Owners', 'Vizag Restaurant Network'],
        replies: ['How much per month?', 'Does it work with Swiggy?', 'Demo possible tomorrow?', 'Send details',
            'Interested', 'We already use a POS', 'Call me after 4 pm', 'Thanks', 'Tamil la explain pannunga'],
    },
    Textopi: {
        project: 'Textopi', owner: 'Textopi', community: 'Textopi Retailers Circle', channel: 'Textopi Trends',
        groups: ['Tiruppur Textile Traders', 'Erode Handloom Sellers', 'Surat Saree Wholesalers',
            'Kanchipuram Silk Sellers', 'Chennai T.Nagar Garment Shops', 'Karur Home Textile Exporters',
            'Salem Handloom Weavers', 'Coimbatore Readymade Garments', 'Madurai Sungudi Sellers', 'Bengaluru Saree Retailers', 'Tirunelveli Cotton Traders'],
        replies: ['Catalogue send pannunga', 'Wholesale rate?', 'Minimum order?', 'Interested', 'GST bill kidaikuma?',
            'Send price list', 'Thank you', 'COD available?', 'Need 200 pieces'],
    },
};

/** Which demo number hosts which audiences. 001–003: one production number per project; 004 is the
 *  backup (a few groups of each project); 005 is warming up (two small groups). */
export const DEMO_NUMBERS: Record<string, { name: string; projects: string[]; groups: number; warm?: boolean }> = {
    '+919800000001': { name: 'PoultryCare Support', projects: ['PoultryCare'], groups: 11 },
    '+919800000002': { name: 'Restopi', projects: ['Restopi'], groups: 11 },
    '+919800000003': { name: 'Textopi', projects: ['Textopi'], groups: 11 },
    '+919800000004': { name: 'Sangam Backup', projects: ['PoultryCare', 'Restopi', 'Textopi'], groups: 2 },
    '+919800000005': { name: 'Sangam Warm-up', projects: ['PoultryCare', 'Textopi'], groups: 1, warm: true },
};

export const STOP_TEXTS = ['STOP', 'please remove me', 'Unsubscribe', 'Stop sending messages', 'remove me from this list'];
export const REACTIONS = ['👍', '❤️', '🙏', '😂', '🔥', '👌'];
export const GENERIC_REPLIES = ['Ok', 'Thanks', 'Interested', 'Details please', 'Price?', '👍'];

/** What members write in the demo's groups: the languages the seed's audiences use, in native script
 *  and romanised, with the products' own words (so group keywords and personas have something to find). */
export const CHATTER: Record<string, string[]> = {
    PoultryCare: ['Broiler rate today Namakkal 98 rupees', 'இன்று கோழி தீவனம் விலை என்ன?', 'Layer feed price increased again',
        'தடுப்பூசி schedule யாருக்காவது தெரியுமா?', 'आज अंडे का रेट क्या है?', 'Chicks available from next week, 5000 nos',
        'Ranikhet vaccine stock irukka?', 'Broiler farm heat stress tips please', 'முட்டை விலை இன்று 5.40', 'Feed dealer contact in Erode?',
        'ಕೋಳಿ ಆಹಾರ ಬೆಲೆ ಎಷ್ಟು?', 'Summer la water medicine enna kudukkanum?', 'Layer farm for sale near Namakkal', 'బ్రాయిలర్ ధర ఈరోజు ఎంత?'],
    Restopi: ['Swiggy commission is too high this month', 'Anyone using a POS for billing?', 'இன்று hotel la rush அதிகம்',
        'Cloud kitchen license process enna?', 'Zomato ads worth it?', 'Need a cook for tiffin centre, Madurai', 'biryani rice price hike',
        'GST filing for restaurants doubt', 'रेस्टोरेंट के लिए अच्छा POS कौन सा है?', 'Table booking app suggestions?',
        'ഹോട്ടൽ ബില്ലിംഗ് സോഫ്റ്റ്‌വെയർ?', 'Weekend sales down 20%', 'Online orders vs dine-in ratio?', 'Gas cylinder price again up'],
    Textopi: ['Cotton saree wholesale rate?', 'கைத்தறி புடவை ஆர்டர் வேண்டும்', 'Tiruppur banian stock available',
        'Diwali collection catalogue ready', 'GST bill for wholesale orders?', 'Silk saree price increased', 'Need 500 pieces kurti',
        'ஜவுளி கடைக்கு billing software?', 'सूरत से साड़ी का नया स्टॉक', 'Handloom weavers subsidy details?', 'Yarn price today?',
        'COD orders returning a lot', 'Kanchipuram silk direct from weavers', 'Export order enquiry from Dubai'],
};
